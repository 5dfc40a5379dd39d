import { useEffect, useState } from 'preact/hooks';
import { call, query, type Account, type Credential, type IssuedCredential } from '../api.js';
import { Field, NO_ERRORS, Notice, formatTime, placeError, type FieldErrors } from '../components.js';
import { navigate } from '../app.js';
import type { ScreenProps } from './index.js';

/**
 * Venue credentials: issue one for an account (`POST /credentials`, every secret generated) and
 * see its secrets once, here and nowhere else: they are not kept by the page once dismissed and
 * cannot be read from the API again. A user's credentials are listed without their secrets.
 */
export function CredentialsScreen(props: ScreenProps) {
  const userId = props.args[0] ? Number(props.args[0]) : null;
  const accountId = props.args[1] ?? '';
  const [userText, setUserText] = useState(props.args[0] ?? '');
  const [listed, setListed] = useState<Credential[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (userId === null) return;
    call<Credential[]>('GET', `/credentials${query({ userId })}`).then(
      (list) => {
        setListed(list);
        setError(null);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, [userId, generation]);

  return (
    <section class="split">
      <div class="panel">
        <h1>Issue a credential</h1>
        <IssueForm accountId={accountId} onIssued={() => setGeneration((n) => n + 1)} />
      </div>
      <div class="panel">
        <h2>Credentials of a user</h2>
        <form
          class="inline"
          onSubmit={(e) => {
            e.preventDefault();
            navigate('credentials', userText.trim());
          }}
        >
          <label for="credentials-user">User id</label> <input id="credentials-user" value={userText} onInput={(e) => setUserText((e.target as HTMLInputElement).value)} /> <button type="submit">Show</button>
        </form>
        {error ? <Notice kind="error">{error}</Notice> : null}
        {listed ? (
          listed.length === 0 ? (
            <p class="muted">No credentials.</p>
          ) : (
            <table class="list" data-list="credentials">
              <thead>
                <tr>
                  <th>id</th>
                  <th>venue</th>
                  <th>account</th>
                  <th>label</th>
                  <th>public id</th>
                  <th>created</th>
                </tr>
              </thead>
              <tbody>
                {listed.map((c) => (
                  <tr>
                    <td>{c.id}</td>
                    <td>{c.venue}</td>
                    <td>
                      <a href={`#/account/${c.accountId}`}>{c.accountId}</a>
                    </td>
                    <td>{c.label}</td>
                    <td>
                      <code class="wrap">{c.publicId}</code>
                    </td>
                    <td>{formatTime(c.createdAtMs)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        ) : null}
      </div>
    </section>
  );
}

function IssueForm(props: { accountId: string; onIssued: () => void }) {
  const [values, setValues] = useState({ accountId: props.accountId, venue: '', label: '' });
  const [venues, setVenues] = useState<string[]>([]);
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [issued, setIssued] = useState<IssuedCredential | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    // The venues served are the ones every account shows facts for.
    call<{ accounts: Account[] }>('GET', '/accounts/page?limit=1').then(
      (page) => {
        const served = Object.keys(page.accounts[0]?.venues ?? {});
        setVenues(served);
        setValues((v) => ({ ...v, venue: v.venue || served[0] || '' }));
      },
      () => setVenues([]),
    );
  }, []);

  if (issued) return <ShownOnce issued={issued} onDone={() => setIssued(null)} />;
  return (
    <form
      class="operation"
      data-form="credential"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        try {
          const body = {
            venue: values.venue,
            accountId: /^\d{1,15}$/.test(values.accountId.trim()) ? Number(values.accountId.trim()) : values.accountId,
            ...(values.label === '' ? {} : { label: values.label }),
          };
          setIssued(await call<IssuedCredential>('POST', '/credentials', body));
          setErrors(NO_ERRORS);
          props.onIssued();
        } catch (error) {
          setErrors(placeError(error, (path) => (['accountId', 'venue', 'label'].includes(path) ? path : undefined)));
        } finally {
          setBusy(false);
        }
      }}
    >
      {errors.form ? <Notice kind="error">{errors.form}</Notice> : null}
      <div class="fields">
        <Field name="accountId" label="Account id" value={values.accountId} errors={errors} required onInput={(accountId) => setValues({ ...values, accountId })} />
        {venues.length > 0 ? (
          <Field name="venue" label="Venue" value={values.venue} options={venues} errors={errors} onInput={(venue) => setValues({ ...values, venue })} />
        ) : (
          <Field name="venue" label="Venue" value={values.venue} errors={errors} required onInput={(venue) => setValues({ ...values, venue })} />
        )}
        <Field name="label" label="Label" value={values.label} errors={errors} hint="Optional" onInput={(label) => setValues({ ...values, label })} />
      </div>
      <p class="hint">Every secret is generated. They are shown once, right after issuing.</p>
      <button type="submit" disabled={busy}>
        Issue credential
      </button>
    </form>
  );
}

function ShownOnce(props: { issued: IssuedCredential; onDone: () => void }) {
  const { issued } = props;
  return (
    <div class="shown-once" data-credential={issued.id}>
      <Notice kind="info">
        Credential {issued.id} ({issued.venue}) for account {issued.accountId}. <strong>Store these secrets now: they are shown once and cannot be read again.</strong>
      </Notice>
      <dl class="secrets">
        {Object.entries(issued.secrets).map(([name, value]) => (
          <>
            <dt>{name}</dt>
            <dd>
              <code class="wrap" data-secret={name}>
                {value}
              </code>{' '}
              <button type="button" class="link" onClick={() => void navigator.clipboard?.writeText(value)}>
                copy
              </button>
            </dd>
          </>
        ))}
      </dl>
      <button type="button" onClick={props.onDone}>
        I have stored them — hide
      </button>
    </div>
  );
}
