import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type Page } from './api.js';

/** Small parts every screen uses: fields that show the API's message for them, a pager, a search box, notices. */

export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** Where a refusal shows: at the field its path names, else above the form. */
export interface FieldErrors {
  readonly byField: Readonly<Record<string, string>>;
  readonly form: string | null;
}

export const NO_ERRORS: FieldErrors = { byField: {}, form: null };

/**
 * Places an API refusal: its `path` (`amount`, `legs/0/from`) through `fieldOf` to a field of the
 * form; a refusal naming no field of it (insufficient funds, a store away) shows above the form.
 */
export function placeError(error: unknown, fieldOf: (path: string) => string | undefined): FieldErrors {
  if (!(error instanceof ApiError)) return { byField: {}, form: error instanceof Error ? error.message : String(error) };
  const field = error.path === undefined ? undefined : fieldOf(error.path);
  if (field === undefined) return { byField: {}, form: `${error.message} (${error.code})` };
  return { byField: { [field]: error.message }, form: null };
}

export function Field(props: {
  name: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  errors: FieldErrors;
  placeholder?: string;
  hint?: string;
  options?: readonly string[];
  required?: boolean;
}) {
  const id = `field-${props.name.replace(/[^a-zA-Z0-9]/g, '-')}`;
  const error = props.errors.byField[props.name];
  return (
    <div class={`field${error ? ' invalid' : ''}`} data-field={props.name}>
      <label for={id}>
        {props.label}
        {props.required ? <span class="required"> *</span> : null}
      </label>
      {props.options ? (
        <select id={id} name={props.name} value={props.value} onChange={(e) => props.onInput((e.target as HTMLSelectElement).value)} aria-invalid={error ? 'true' : 'false'}>
          {props.options.map((o) => (
            <option value={o}>{o}</option>
          ))}
        </select>
      ) : (
        <input
          id={id}
          name={props.name}
          value={props.value}
          placeholder={props.placeholder}
          autocomplete="off"
          spellcheck={false}
          onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
          aria-invalid={error ? 'true' : 'false'}
          aria-describedby={error ? `${id}-error` : undefined}
        />
      )}
      {error ? (
        <p class="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : props.hint ? (
        <p class="hint">{props.hint}</p>
      ) : null}
    </div>
  );
}

export function Notice(props: { kind: 'error' | 'ok' | 'info'; children: ComponentChildren }) {
  return (
    <div class={`notice ${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </div>
  );
}

/**
 * A paged, searched list: pages by the API's cursor (`after`), a stack of cursors to go back, and
 * a search that starts again from the first page. Never more than one page in memory.
 */
export function usePaged<T>(load: (search: string, after: string | undefined) => Promise<Page<T>>, deps: readonly unknown[] = []) {
  const [search, setSearch] = useState('');
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState<Page<T> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const latest = useRef(0);
  const after = cursors[cursors.length - 1];

  const reload = useCallback(async () => {
    const ticket = ++latest.current;
    setLoading(true);
    try {
      const loaded = await load(search, after);
      if (ticket !== latest.current) return;
      setPage(loaded);
      setError(null);
    } catch (e) {
      if (ticket !== latest.current) return;
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      if (ticket === latest.current) setLoading(false);
    }
    // `load` is new on each render; what it reads is in `deps`.
  }, [search, after, ...deps]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return {
    page,
    error,
    loading,
    search,
    pageNumber: cursors.length,
    setSearch: (text: string) => {
      setSearch(text);
      setCursors([undefined]);
    },
    next: () => page?.next && setCursors([...cursors, page.next]),
    previous: () => cursors.length > 1 && setCursors(cursors.slice(0, -1)),
    reload,
  };
}

export function Pager(props: { paged: ReturnType<typeof usePaged<unknown>>; label: string }) {
  const { paged } = props;
  return (
    <nav class="pager" aria-label={`${props.label} pages`}>
      <button type="button" onClick={paged.previous} disabled={paged.pageNumber <= 1}>
        ← Previous
      </button>
      <span class="page-number">Page {paged.pageNumber}</span>
      <button type="button" onClick={paged.next} disabled={!paged.page?.next}>
        Next →
      </button>
      {paged.loading ? <span class="loading">loading…</span> : null}
    </nav>
  );
}

/** A search box that searches as one types, once typing pauses. */
export function SearchBox(props: { label: string; placeholder: string; onSearch: (text: string) => void }) {
  const [text, setText] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  return (
    <form
      class="search"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        if (timer.current) clearTimeout(timer.current);
        props.onSearch(text.trim());
      }}
    >
      <input
        type="search"
        aria-label={props.label}
        placeholder={props.placeholder}
        value={text}
        onInput={(e) => {
          const value = (e.target as HTMLInputElement).value;
          setText(value);
          if (timer.current) clearTimeout(timer.current);
          timer.current = setTimeout(() => props.onSearch(value.trim()), 250);
        }}
      />
      <button type="submit">Search</button>
    </form>
  );
}

/** A fresh idempotency key for a form: the operator may keep it, or type their own. */
export function newKey(prefix: string): string {
  const random = crypto.getRandomValues(new Uint32Array(2));
  return `console-${prefix}-${Date.now().toString(36)}-${random[0]!.toString(36)}${random[1]!.toString(36)}`;
}

export function Facts(props: { venues: Record<string, Record<string, unknown>> }) {
  const shown = Object.entries(props.venues).flatMap(([venue, facts]) =>
    Object.entries(facts).map(([name, value]) => (
      <span class="fact">
        <span class="fact-venue">{venue}</span> {name}: <code>{typeof value === 'object' ? JSON.stringify(value) : String(value)}</code>
      </span>
    )),
  );
  return shown.length === 0 ? <span class="muted">—</span> : <span class="facts">{shown}</span>;
}
