import type { StreamEntry } from '../journal-feed.js';
import { useFeedState } from '../app.js';
import { formatTime } from '../components.js';
import type { ScreenProps } from './index.js';

/** The journal as it happens: the newest entries first, pushed by the ledger's events, never polled. */
export function JournalScreen(_props: ScreenProps) {
  const { feed, state } = useFeedState();
  return (
    <section class="panel">
      <h1>Journal</h1>
      <p class="hint">
        Live from the ledger's events ({state}): every entry committed on this instance or any other sharing the store, newest first (the latest {feed.entries.length}).
      </p>
      <table class="journal" data-list="journal">
        <thead>
          <tr>
            <th>#</th>
            <th>time</th>
            <th>type</th>
            <th>key</th>
            <th>postings</th>
          </tr>
        </thead>
        <tbody>
          {feed.entries.map((e) => (
            <EntryRow entry={e} />
          ))}
        </tbody>
      </table>
      {feed.entries.length === 0 ? <p class="muted">No entries yet: they appear here as they commit.</p> : null}
    </section>
  );
}

export function EntryRow(props: { entry: StreamEntry }) {
  const { entry } = props.entry;
  return (
    <tr data-entry={entry.id} data-key={entry.key}>
      <td>{entry.id}</td>
      <td>{formatTime(entry.atMs)}</td>
      <td>
        <code>{entry.type}</code>
      </td>
      <td class="key">{entry.key}</td>
      <td>
        <ul class="postings">
          {entry.postings.map((p) => (
            <li class={p.amount.startsWith('-') ? 'debit' : 'credit'}>
              {p.account === 0 ? <span class="system">system</span> : <a href={`#/account/${p.account}`}>account {p.account}</a>} {p.bucket} {p.amount.startsWith('-') ? '' : '+'}
              {p.amount} {p.asset}
            </li>
          ))}
        </ul>
      </td>
    </tr>
  );
}
