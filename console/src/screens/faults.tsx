import { useEffect, useRef, useState } from 'preact/hooks';
import { API, call, session } from '../api.js';
import { Field, NO_ERRORS, Notice, formatTime, placeError, type FieldErrors } from '../components.js';
import { readEventStream } from '../event-stream.js';
import type { ScreenProps } from './index.js';

/**
 * This instance's fault rules (docs/faults.md) through the operator API: the rules with what each
 * has done, a form to add one, remove one, clear all; and the injections as they happen, from
 * `GET /faults/stream` (Server-Sent Events over fetch, as the journal's). Every event refreshes the
 * list from `GET /faults`, one call at a time, so the counts are the server's, never guessed.
 */

interface FaultRule {
  id: string;
  on: 'request' | 'push';
  venue?: string;
  method?: string;
  path?: string;
  apiKey?: string;
  account?: number;
  channel?: string;
  probability: number;
  count?: number;
  action: Record<string, unknown> & { type: string };
  state: 'waiting' | 'active' | 'expired';
  expiredBy?: 'count' | 'time';
  matched: number;
  injected: number;
}

interface Injection {
  rule: string;
  atMs: number;
  on: 'request' | 'push';
  action: string;
  venue: string;
  method?: string;
  path: string;
  channel?: string;
  delayMs?: number;
  kind?: string;
  injected: number;
}

/** Injections the screen keeps, newest first; the counts stay exact in the rules' list. */
const KEPT = 100;
const ACTIONS = ['error', 'latency', 'drop', 'stall', 'duplicate'] as const;
const METHODS = ['', 'GET', 'POST', 'PUT', 'DELETE'] as const;

type StreamState = 'connecting' | 'live' | 'reconnecting';
type Values = Record<string, string>;

/**
 * The fault stream while the screen is shown: `onReady` with the rules and the venues' error kinds
 * on each (re)connection, `onEvent` for each event after it. Reconnects when dropped.
 */
function useFaultStream(handlers: { onReady: (rules: FaultRule[], venues: Record<string, string[]>) => void; onEvent: (event: string, data: Record<string, unknown>) => void }): StreamState {
  const [state, setState] = useState<StreamState>('connecting');
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    const controller = new AbortController();
    let retryMs = 500;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const connect = async () => {
      const token = session.token();
      if (token === null) return;
      try {
        const ended = await readEventStream(`${API}/faults/stream`, token, controller.signal, (event) => {
          const data = JSON.parse(event.data) as Record<string, unknown>;
          if (event.event === 'ready') {
            retryMs = 500;
            setState('live');
            latest.current.onReady(data.rules as FaultRule[], data.venues as Record<string, string[]>);
          } else latest.current.onEvent(event.event, data);
        });
        if (ended === 'unauthorized') return;
      } catch {
        // Dropped or aborted: reconnect below unless the screen is gone.
      }
      if (controller.signal.aborted) return;
      setState('reconnecting');
      timer = setTimeout(() => void connect(), retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    };
    void connect();
    return () => {
      controller.abort();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, []);
  return state;
}

/** Loads the rules, one call at a time: asked again while loading, it loads once more after. */
function useRules(): { rules: FaultRule[] | null; set: (rules: FaultRule[]) => void; refresh: () => void; error: string | null } {
  const [rules, setRules] = useState<FaultRule[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const flight = useRef<{ busy: boolean; again: boolean }>({ busy: false, again: false });
  const refresh = () => {
    if (flight.current.busy) {
      flight.current.again = true;
      return;
    }
    flight.current.busy = true;
    call<{ rules: FaultRule[] }>('GET', '/faults')
      .then(
        (answer) => {
          setRules(answer.rules);
          setError(null);
        },
        (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
      )
      .finally(() => {
        flight.current.busy = false;
        if (flight.current.again) {
          flight.current.again = false;
          refresh();
        }
      });
  };
  return { rules, set: setRules, refresh, error };
}

export function FaultsScreen(_props: ScreenProps) {
  const rules = useRules();
  const [venues, setVenues] = useState<Record<string, string[]>>({});
  const [injections, setInjections] = useState<Injection[]>([]);
  const [skipped, setSkipped] = useState(0);
  const [busy, setBusy] = useState(false);
  const state = useFaultStream({
    onReady: (list, served) => {
      rules.set(list);
      setVenues(served);
    },
    onEvent: (event, data) => {
      if (event === 'injected') setInjections((kept) => [data as unknown as Injection, ...kept].slice(0, KEPT));
      if (event === 'skipped') setSkipped((n) => n + Number(data.events));
      rules.refresh();
    },
  });

  const act = async (method: string, path: string) => {
    setBusy(true);
    try {
      await call(method, path);
    } catch {
      // The list below says what is set; a refusal (a rule removed meanwhile) changes nothing.
    } finally {
      setBusy(false);
      rules.refresh();
    }
  };

  return (
    <section class="panel" data-screen="faults">
      <h1>Faults</h1>
      <p class="hint">
        This instance's fault rules, held in its memory only (docs/faults.md); the stream is <span data-fault-stream={state}>{state}</span>.
      </p>
      {rules.error ? <Notice kind="error">{rules.error}</Notice> : null}
      <h2>Rules</h2>
      {rules.rules === null ? (
        <p class="loading">loading…</p>
      ) : rules.rules.length === 0 ? (
        <p class="muted" data-empty="rules">
          No fault rule is set: every request and push is served as it comes.
        </p>
      ) : (
        <div class="scroll">
          <table data-list="faults">
            <thead>
              <tr>
                <th>id</th>
                <th>on</th>
                <th>matches</th>
                <th>action</th>
                <th>probability</th>
                <th>count</th>
                <th>state</th>
                <th>matched</th>
                <th>injected</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rules.rules.map((r) => (
                <tr data-rule={r.id}>
                  <td>
                    <code>{r.id}</code>
                  </td>
                  <td>{r.on}</td>
                  <td>
                    <code>{matches(r)}</code>
                  </td>
                  <td>
                    <code>{actionText(r.action)}</code>
                  </td>
                  <td>{r.probability}</td>
                  <td>{r.count ?? '—'}</td>
                  <td data-col="state">{r.state === 'expired' && r.expiredBy ? `expired (${r.expiredBy})` : r.state}</td>
                  <td data-col="matched">{r.matched}</td>
                  <td data-col="injected">{r.injected}</td>
                  <td>
                    <button type="button" class="link" data-remove={r.id} disabled={busy} onClick={() => void act('DELETE', `/faults/${encodeURIComponent(r.id)}`)}>
                      remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p>
        <button type="button" data-clear="faults" disabled={busy || !rules.rules?.length} onClick={() => void act('DELETE', '/faults')}>
          Clear all rules
        </button>
      </p>

      <RuleForm venues={venues} onAdded={rules.refresh} />

      <h2>Injections</h2>
      <p class="hint">As they happen, newest first (the latest {KEPT}); gone on reload. The counts above are the server's.</p>
      {skipped > 0 ? <Notice kind="info">{skipped} events came faster than this page read them and were left out; the counts above include them.</Notice> : null}
      {injections.length === 0 ? (
        <p class="muted" data-empty="injections">
          None since this screen opened.
        </p>
      ) : (
        <table data-list="injections">
          <thead>
            <tr>
              <th>time</th>
              <th>rule</th>
              <th>#</th>
              <th>venue</th>
              <th>where</th>
              <th>what</th>
            </tr>
          </thead>
          <tbody>
            {injections.map((i) => (
              <tr data-injection={`${i.rule}/${i.injected}`}>
                <td>{formatTime(i.atMs)}</td>
                <td>
                  <code>{i.rule}</code>
                </td>
                <td>{i.injected}</td>
                <td>{i.venue}</td>
                <td>
                  <code>{i.on === 'push' ? `push ${i.channel ?? ''} ${i.path}` : `${i.method ?? ''} ${i.path}`}</code>
                </td>
                <td>
                  <code>{i.action === 'error' ? `error ${i.kind ?? ''}` : i.action === 'latency' ? `latency ${i.delayMs ?? 0} ms` : i.action}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function matches(r: FaultRule): string {
  const parts = [r.venue ?? 'any venue', r.method, r.path, r.channel && `channel ${r.channel}`, r.apiKey && `key ${r.apiKey}`, r.account !== undefined && `account ${r.account}`];
  return parts.filter(Boolean).join(' ');
}

function actionText(action: FaultRule['action']): string {
  const { type, ...rest } = action;
  const details = Object.entries(rest).map(([k, v]) => `${k} ${String(v)}`);
  return [type, ...details].join(' ');
}

/** A JSON number when the text is one, else the text itself (for the API to refuse by name). */
const numeric = (text: string): unknown => (/^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(text.trim()) ? Number(text.trim()) : text);

/** The rule the form says: a field left empty is not sent, so the API names what is missing or wrong. */
function ruleOf(v: Values): Record<string, unknown> {
  const rule: Record<string, unknown> = {};
  for (const name of ['id', 'on', 'venue', 'method', 'path', 'apiKey', 'channel'] as const) if ((v[name] ?? '') !== '') rule[name] = v[name];
  for (const name of ['account', 'probability', 'count'] as const) if ((v[name] ?? '') !== '') rule[name] = numeric(v[name]!);
  const type = v['action/type'] ?? '';
  const action: Record<string, unknown> = { type };
  if (type === 'error' && (v['action/kind'] ?? '') !== '') action.kind = v['action/kind'];
  if (type === 'latency' && (v['action/ms'] ?? '') !== '') action.ms = numeric(v['action/ms']!);
  rule.action = action;
  return rule;
}

const FIELDS = ['id', 'on', 'venue', 'method', 'path', 'apiKey', 'account', 'channel', 'probability', 'count', 'action/type', 'action/kind', 'action/ms'];

function RuleForm(props: { venues: Record<string, string[]>; onAdded: () => void }) {
  const [values, setValues] = useState<Values>({ on: 'request', venue: '', method: '', 'action/type': 'error', 'action/kind': '' });
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [added, setAdded] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const type = values['action/type'] ?? 'error';
  // The kinds the chosen venue answers; for any venue, those every venue answers.
  const served = Object.values(props.venues);
  const kinds = values.venue ? (props.venues[values.venue] ?? []) : (served[0] ?? []).filter((k) => served.every((list) => list.includes(k)));
  const kind = kinds.includes(values['action/kind'] ?? '') ? values['action/kind']! : (kinds[0] ?? '');
  // A refusal of the action as a whole (one latency form) shows at the field the action type shows.
  const fieldOf = (path: string) => (FIELDS.includes(path) ? path : path === 'action' || path.startsWith('action/') ? (type === 'latency' ? 'action/ms' : 'action/type') : undefined);
  const set = (name: string) => (value: string) => setValues({ ...values, [name]: value });
  const text = (name: string, label: string, placeholder?: string, hint?: string) => (
    <Field name={name} label={label} value={values[name] ?? ''} errors={errors} onInput={set(name)} {...(placeholder ? { placeholder } : {})} {...(hint ? { hint } : {})} />
  );

  return (
    <form
      class="operation"
      data-form="fault"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setAdded(null);
        try {
          const rule = await call<FaultRule>('POST', '/faults', ruleOf({ ...values, 'action/kind': kind }));
          setErrors(NO_ERRORS);
          setAdded(rule.id);
          props.onAdded();
        } catch (error) {
          setErrors(placeError(error, fieldOf));
        } finally {
          setBusy(false);
        }
      }}
    >
      <h2>Add a rule</h2>
      {errors.form ? <Notice kind="error">{errors.form}</Notice> : null}
      <div class="fields">
        <Field name="on" label="On" value={values.on ?? 'request'} options={['request', 'push']} errors={errors} onInput={set('on')} hint="request: an HTTP request; push: a balance push on a stream" />
        <Field name="venue" label="Venue" value={values.venue ?? ''} options={['', ...Object.keys(props.venues)]} errors={errors} onInput={set('venue')} hint="Empty: every venue" />
        <Field name="method" label="Method" value={values.method ?? ''} options={METHODS} errors={errors} onInput={set('method')} hint="Requests only; empty: any" />
        {text('path', 'Path', '/api/v2/spot/account/assets', '* within a segment, ** across; empty: any')}
        {text('apiKey', 'API key', '', 'Optional: only this key')}
        {text('account', 'Account id', '', 'Optional: only this ledger account')}
        {text('channel', 'Channel', '', 'Pushes only: account, assetAccounts')}
        {text('probability', 'Probability', '1', 'The chance it fires each time it matches, 0 to 1')}
        {text('count', 'Count', '', 'Optional: it expires after firing this many times')}
        <Field name="action/type" label="Action" value={type} options={ACTIONS} errors={errors} onInput={set('action/type')} hint="Requests: error, latency, drop, stall. Pushes: latency, drop, duplicate" />
        {type === 'error' ? <Field name="action/kind" label="Error" value={kind} options={kinds} errors={errors} onInput={set('action/kind')} hint="The venue's own answer for it" /> : null}
        {type === 'latency' ? text('action/ms', 'Latency (ms)', '250', 'A fixed delay, 0 to 600000') : null}
        {text('id', 'Name', 'f1, f2, … when empty', 'Optional, unique')}
      </div>
      <button type="submit" disabled={busy}>
        Add rule
      </button>
      {added ? <Notice kind="ok">Rule {added} is set.</Notice> : null}
    </form>
  );
}
