import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { ApiError, call, session } from './api.js';
import { Notice } from './components.js';
import { JournalFeed, type FeedState } from './journal-feed.js';
import { HOME, SCREENS } from './screens/index.js';

/**
 * The console's frame: a sign-in screen until the operator token is given (nothing else is shown
 * or fetched without it), then the navigation, the live journal's state and the current screen,
 * chosen by the URL's hash (`#/accounts`, `#/account/7`).
 */

const FeedContext = createContext<JournalFeed | null>(null);

/** The journal feed of this signed-in tab. */
export function useFeed(): JournalFeed {
  const feed = useContext(FeedContext);
  if (!feed) throw new Error('useFeed outside the signed-in console');
  return feed;
}

/** Re-renders the caller whenever the feed changes (a new entry, a state change). */
export function useFeedState(): { feed: JournalFeed; state: FeedState } {
  const feed = useFeed();
  const [, setTick] = useState(0);
  useEffect(() => feed.onChange(() => setTick((n) => n + 1)), [feed]);
  return { feed, state: feed.state };
}

function route(): string[] {
  const segments = location.hash.replace(/^#\/?/, '').split('/').filter((s) => s !== '').map(decodeURIComponent);
  return segments.length === 0 ? [HOME] : segments;
}

export function navigate(...segments: (string | number)[]): void {
  location.hash = `#/${segments.map((s) => encodeURIComponent(String(s))).join('/')}`;
}

function SignIn(props: { reason: string; onSignedIn: () => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main class="sign-in">
      <h1>assetbook console</h1>
      <p>Sign in with the operator token (the one `assetbook serve` printed, or wrote to its data directory). It is kept in this tab only.</p>
      {props.reason ? <Notice kind="info">{props.reason}</Notice> : null}
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            // The token is checked with a call that needs it before anything is kept or shown.
            await call('GET', '/users/page?limit=1', undefined, token.trim());
            session.signIn(token.trim());
            props.onSignedIn();
          } catch (err) {
            setError(err instanceof ApiError && err.status === 401 ? 'That is not the operator token.' : err instanceof Error ? err.message : String(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        <div class={`field${error ? ' invalid' : ''}`}>
          <label for="operator-token">Operator token</label>
          <input id="operator-token" name="token" type="password" autocomplete="off" value={token} onInput={(e) => setToken((e.target as HTMLInputElement).value)} aria-invalid={error ? 'true' : 'false'} />
          {error ? (
            <p class="field-error" role="alert">
              {error}
            </p>
          ) : null}
        </div>
        <button type="submit" disabled={busy || token.trim() === ''}>
          Sign in
        </button>
      </form>
    </main>
  );
}

function LiveBadge() {
  const { state } = useFeedState();
  const text = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…', stopped: 'stopped' }[state];
  return (
    <span class={`live-badge ${state}`} data-state={state} title="The journal stream">
      journal {text}
    </span>
  );
}

function Console(props: { onSignOut: () => void }) {
  const [segments, setSegments] = useState(route);
  const [feed] = useState(() => new JournalFeed());
  useEffect(() => {
    const onHash = () => setSegments(route());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    feed.start();
    return () => feed.stop();
  }, [feed]);
  const [id, ...args] = segments;
  const screen = SCREENS.find((s) => s.id === id);
  const Screen = screen?.component;
  return (
    <FeedContext.Provider value={feed}>
      <header class="top">
        <span class="brand">assetbook</span>
        <nav class="screens">
          {SCREENS.filter((s) => s.title).map((s) => (
            <a href={`#/${s.id}`} class={s.id === id || (id === 'account' && s.id === 'accounts') ? 'current' : ''}>
              {s.title}
            </a>
          ))}
        </nav>
        <LiveBadge />
        <button type="button" class="link" onClick={props.onSignOut}>
          Sign out
        </button>
      </header>
      <main class="screen">{Screen ? <Screen key={segments.join('/')} args={args} /> : <Notice kind="error">No screen {id}.</Notice>}</main>
    </FeedContext.Provider>
  );
}

export function App() {
  const [signedIn, setSignedIn] = useState(() => session.token() !== null);
  const [reason, setReason] = useState('');
  useEffect(
    () =>
      session.onSignOut((why) => {
        setReason(why);
        setSignedIn(false);
      }),
    [],
  );
  if (!signedIn) return <SignIn reason={reason} onSignedIn={() => setSignedIn(true)} />;
  return <Console onSignOut={() => session.signOut('Signed out.')} />;
}
