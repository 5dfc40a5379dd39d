import { useCallback, useEffect, useState } from 'preact/hooks';
import { call, type Account, type AccountViews } from '../api.js';
import { Facts, Notice, formatTime } from '../components.js';
import { useFeed, useFeedState } from '../app.js';
import { EntryRow } from './journal.js';
import type { ScreenProps } from './index.js';

/** The ledger's buckets, in the ledger's order (docs/ledger.md). */
export const BUCKETS = ['available', 'held', 'locked', 'restricted', 'borrowed', 'loaned', 'pendingDeposit', 'pendingWithdrawal'] as const;

/**
 * One account: every bucket of every asset as the ledger keeps it, and beside it each venue's rows
 * as that venue's own balance read renders them (`GET /accounts/{id}/views`, one read for all).
 * Refreshed whenever the live journal brings an entry that touched the account.
 */
export function AccountScreen(props: ScreenProps) {
  const id = Number(props.args[0]);
  const feed = useFeed();
  const [account, setAccount] = useState<Account | null>(null);
  const [views, setViews] = useState<AccountViews | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const [a, v] = await Promise.all([call<Account>('GET', `/accounts/${id}`), call<AccountViews>('GET', `/accounts/${id}/views`)]);
      setAccount(a);
      setViews(v);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }, [id]);

  useEffect(() => {
    void load();
    return feed.onEntry((entry) => {
      if (entry.accounts.includes(id)) void load();
    });
  }, [feed, id, load]);

  if (!Number.isSafeInteger(id) || id < 1) return <Notice kind="error">No account {props.args[0]}.</Notice>;
  return (
    <section class="panel account" data-account-screen={id}>
      <h1>
        Account {id}
        {account ? ` — ${account.label} (${account.kind})` : ''}
      </h1>
      {error ? <Notice kind="error">{error}</Notice> : null}
      {account ? (
        <p class="account-meta">
          <a href={`#/users/${account.userId}`}>user {account.userId}</a> · created {formatTime(account.createdAtMs)} · <Facts venues={account.venues} />
        </p>
      ) : null}
      <p class="actions">
        {['deposit', 'hold', 'withdrawal', 'transfer', 'trade'].map((form) => (
          <a class="button" href={`#/operations/${form}/${id}`}>
            {form}
          </a>
        ))}
        <a class="button" href={`#/credentials/${account?.userId ?? ''}/${id}`}>
          issue credential
        </a>
      </p>
      {views ? <Ledger views={views} /> : null}
      {views ? <VenueViews views={views} /> : null}
      <RecentEntries account={id} />
    </section>
  );
}

function Ledger(props: { views: AccountViews }) {
  const { assets } = props.views;
  return (
    <>
      <h2>Ledger buckets</h2>
      {assets.length === 0 ? (
        <p class="muted">This account has never held anything.</p>
      ) : (
        <div class="scroll">
          <table class="balances" data-table="ledger">
            <thead>
              <tr>
                <th>asset</th>
                {BUCKETS.map((b) => (
                  <th>{b}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {assets.map((row) => (
                <tr data-asset={row.asset}>
                  <th>{row.asset}</th>
                  {BUCKETS.map((b) => (
                    <td class={`amount${row[b] === '0' ? ' zero' : ''}`} data-bucket={b} title={row.updatedAtMs[b] ? `changed ${formatTime(row.updatedAtMs[b])}` : 'never written'}>
                      {row[b]}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function VenueViews(props: { views: AccountViews }) {
  const { assets, venues } = props.views;
  const symbols = [...new Set([...assets.map((a) => a.asset), ...venues.flatMap((v) => v.rows.map((r) => r.asset))])];
  if (symbols.length === 0) return null;
  return (
    <>
      <h2>As each venue shows them</h2>
      <p class="hint">Each venue's rows, rendered by that venue's own code from the same read of the ledger: what its client sees.</p>
      <div class="scroll">
        <table class="venues" data-table="venues">
          <thead>
            <tr>
              <th>asset</th>
              {venues.map((v) => (
                <th data-venue={v.venue}>
                  {v.venue}
                  <div class="source">{v.source ?? 'no balance view'}</div>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {symbols.map((symbol) => (
              <tr data-asset={symbol}>
                <th>{symbol}</th>
                {venues.map((v) => {
                  const row = v.rows.find((r) => r.asset === symbol)?.row;
                  return (
                    <td data-venue={v.venue}>
                      {row ? (
                        <dl class="venue-row">
                          {Object.entries(row).map(([field, value]) => (
                            <>
                              <dt>{field}</dt>
                              <dd>{typeof value === 'object' ? JSON.stringify(value) : String(value)}</dd>
                            </>
                          ))}
                        </dl>
                      ) : (
                        <span class="muted">not listed</span>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function RecentEntries(props: { account: number }) {
  const { feed } = useFeedState();
  const mine = feed.entries.filter((e) => e.accounts.includes(props.account)).slice(0, 10);
  return (
    <>
      <h2>Latest entries touching it</h2>
      {mine.length === 0 ? (
        <p class="muted">None among the journal's latest entries.</p>
      ) : (
        <table class="journal">
          <tbody>
            {mine.map((e) => (
              <EntryRow entry={e} />
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
