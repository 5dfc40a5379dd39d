import { useEffect, useState } from 'preact/hooks';
import { call, type Asset, type Entry } from '../api.js';
import { Field, NO_ERRORS, Notice, newKey, placeError, type FieldErrors } from '../components.js';
import { navigate } from '../app.js';
import type { ScreenProps } from './index.js';

/**
 * Forms for the common operations, each sent as it is to `POST /operations`: the API checks
 * everything, and its refusal shows at the field its `path` names (a trade's `legs/1/amount` at
 * the second leg's amount). A field left empty is not sent, so a missing one is the API's to name.
 */

type Values = Record<string, string>;

interface FieldSpec {
  /** The request path it fills (`amount`, `legs/0/from`): what a refusal names. */
  readonly name: string;
  readonly label: string;
  readonly placeholder?: string;
  readonly hint?: string;
  readonly required?: boolean;
  readonly options?: readonly string[];
  /** An account id field: prefilled from the route's account, sent as a JSON integer when it is one. */
  readonly account?: boolean;
}

interface FormSpec {
  readonly id: string;
  readonly title: string;
  readonly fields: readonly FieldSpec[];
  readonly body: (values: Values) => Record<string, unknown>;
  /** The field a refusal's path belongs to; the path itself when a field has that name. */
  readonly fieldOf?: (path: string) => string | undefined;
}

const KEY: FieldSpec = { name: 'key', label: 'Idempotency key', required: true, hint: 'Sending the same key again replays the first result, never applies twice' };
const ASSET: FieldSpec = { name: 'asset', label: 'Asset', placeholder: 'USDT', required: true };
const AMOUNT: FieldSpec = { name: 'amount', label: 'Amount', placeholder: '1.25', required: true, hint: "A decimal in the asset's unit" };
const FEE: FieldSpec = { name: 'fee', label: 'Fee', placeholder: '0', hint: 'Optional, on top of the amount' };
const ACCOUNT: FieldSpec = { name: 'account', label: 'Account id', required: true, account: true };

/** A JSON integer when the text is one, else the text itself (for the API to refuse by name). */
const integer = (text: string): unknown => (/^\d{1,15}$/.test(text.trim()) ? Number(text.trim()) : text);

/** The fields given (an empty one is left out), account fields as integers. */
function given(values: Values, names: readonly string[], accounts: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const value = values[name] ?? '';
    if (value === '') continue;
    out[name] = accounts.includes(name) ? integer(value) : value;
  }
  return out;
}

export const FORMS: readonly FormSpec[] = [
  {
    id: 'deposit',
    title: 'Deposit',
    fields: [KEY, { name: 'type', label: 'Arrives', options: ['deposit', 'deposit.pending'], hint: 'deposit: available at once; deposit.pending: pending until confirmed' }, ACCOUNT, ASSET, AMOUNT, FEE, { name: 'chain', label: 'Chain', placeholder: 'TRC20' }, { name: 'txHash', label: 'Transaction hash' }],
    body: (v) => ({ ...given(v, ['key', 'type', 'account', 'asset', 'amount', 'fee', 'chain', 'txHash'], ['account']) }),
  },
  {
    id: 'hold',
    title: 'Hold',
    fields: [KEY, ACCOUNT, ASSET, AMOUNT, { name: 'reservation', label: 'Reservation id', hint: 'Optional: names the hold, so a trade or post can draw on it' }],
    body: (v) => ({ type: 'hold', ...given(v, ['key', 'account', 'asset', 'amount', 'reservation'], ['account']) }),
  },
  {
    id: 'trade',
    title: 'Trade',
    fields: [
      KEY,
      { name: 'legs/0/from', label: 'Account A', required: true, account: true },
      { name: 'legs/0/asset', label: 'A gives asset', placeholder: 'BTC', required: true },
      { name: 'legs/0/amount', label: 'A gives amount', placeholder: '0.1', required: true },
      { name: 'legs/0/to', label: 'Account B', required: true },
      { name: 'legs/1/asset', label: 'B gives asset', placeholder: 'USDT', required: true },
      { name: 'legs/1/amount', label: 'B gives amount', placeholder: '6000', required: true },
    ],
    body: (v) => {
      const a = integer(v['legs/0/from'] ?? '');
      const b = integer(v['legs/0/to'] ?? '');
      return {
        type: 'trade',
        ...given(v, ['key']),
        legs: [
          { from: a, to: b, ...given({ asset: v['legs/0/asset'] ?? '', amount: v['legs/0/amount'] ?? '' }, ['asset', 'amount']) },
          { from: b, to: a, ...given({ asset: v['legs/1/asset'] ?? '', amount: v['legs/1/amount'] ?? '' }, ['asset', 'amount']) },
        ],
      };
    },
    // The second leg runs from B to A: its accounts are the first leg's, the other way round.
    fieldOf: (path) => ({ 'legs/1/from': 'legs/0/to', 'legs/1/to': 'legs/0/from', legs: 'legs/0/from' })[path],
  },
  {
    id: 'withdrawal',
    title: 'Withdrawal',
    fields: [KEY, ACCOUNT, ASSET, AMOUNT, FEE, { name: 'address', label: 'Address', placeholder: '0x…' }, { name: 'chain', label: 'Chain' }],
    body: (v) => ({ type: 'withdrawal.request', ...given(v, ['key', 'account', 'asset', 'amount', 'fee', 'address', 'chain'], ['account']) }),
  },
  {
    id: 'transfer',
    title: 'Transfer',
    fields: [KEY, { name: 'from', label: 'From account', required: true, account: true }, { name: 'to', label: 'To account', required: true }, ASSET, AMOUNT],
    body: (v) => ({ type: 'transfer', ...given(v, ['key', 'from', 'to', 'asset', 'amount'], ['from', 'to']) }),
  },
  {
    id: 'settle',
    title: 'Settle a pending',
    fields: [
      KEY,
      { name: 'type', label: 'Outcome', options: ['deposit.confirm', 'deposit.cancel', 'withdrawal.complete', 'withdrawal.cancel'] },
      { name: 'pending', label: 'Pending key', required: true, hint: 'The key of the deposit.pending or withdrawal.request' },
    ],
    body: (v) => given(v, ['key', 'type', 'pending']),
  },
];

function initialValues(form: FormSpec, account: string): Values {
  const values: Values = {};
  for (const f of form.fields) values[f.name] = f.options?.[0] ?? (f.account ? account : '');
  values.key = newKey(form.id);
  return values;
}

export function OperationsScreen(props: ScreenProps) {
  const form = FORMS.find((f) => f.id === props.args[0]) ?? FORMS[0]!;
  const account = props.args[1] ?? '';
  const [assets, setAssets] = useState<Asset[]>([]);
  useEffect(() => {
    call<Asset[]>('GET', '/assets').then(setAssets, () => setAssets([]));
  }, []);
  return (
    <section class="panel">
      <h1>Operations</h1>
      <nav class="tabs">
        {FORMS.map((f) => (
          <a href={`#/operations/${f.id}${account ? `/${account}` : ''}`} class={f.id === form.id ? 'current' : ''}>
            {f.title}
          </a>
        ))}
      </nav>
      <OperationForm key={`${form.id}/${account}`} form={form} account={account} assets={assets} />
    </section>
  );
}

function OperationForm(props: { form: FormSpec; account: string; assets: readonly Asset[] }) {
  const { form } = props;
  const [values, setValues] = useState<Values>(() => initialValues(form, props.account));
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [done, setDone] = useState<{ entry: Entry; replayed: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const names = new Set(form.fields.map((f) => f.name));
  const fieldOf = (path: string) => form.fieldOf?.(path) ?? (names.has(path) ? path : undefined);

  return (
    <form
      class="operation"
      data-form={form.id}
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setDone(null);
        try {
          const result = await call<{ replayed: boolean; entry: Entry }>('POST', '/operations', form.body(values));
          setErrors(NO_ERRORS);
          setDone(result);
          setValues({ ...values, key: newKey(form.id) });
        } catch (error) {
          setErrors(placeError(error, fieldOf));
        } finally {
          setBusy(false);
        }
      }}
    >
      <h2>{form.title}</h2>
      {errors.form ? <Notice kind="error">{errors.form}</Notice> : null}
      <div class="fields">
        {form.fields.map((f) => (
          <Field
            name={f.name}
            label={f.label}
            value={values[f.name] ?? ''}
            errors={errors}
            {...(f.placeholder ? { placeholder: f.placeholder } : {})}
            {...(f.hint ? { hint: f.hint } : {})}
            {...(f.options ? { options: f.options } : {})}
            {...(f.required ? { required: true } : {})}
            onInput={(value) => setValues({ ...values, [f.name]: value })}
          />
        ))}
      </div>
      {props.assets.length > 0 ? <p class="hint">Assets: {props.assets.map((a) => `${a.symbol} (${a.scale} places)`).join(', ')}</p> : null}
      <button type="submit" disabled={busy}>
        Apply {form.title.toLowerCase()}
      </button>
      {done ? (
        <Notice kind="ok">
          {done.replayed ? 'Replayed' : 'Applied'}: entry #{done.entry.id} ({done.entry.type}, key <code>{done.entry.key}</code>).{' '}
          {[...new Set(done.entry.postings.map((p) => p.account).filter((a) => a !== 0))].map((a) => (
            <button type="button" class="link" onClick={() => navigate('account', a)}>
              account {a} →
            </button>
          ))}
        </Notice>
      ) : null}
    </form>
  );
}
