import { useEffect, useState } from 'preact/hooks';
import { call, query, type UserSummary } from '../api.js';
import { Facts, Notice, Pager, SearchBox, formatTime, usePaged } from '../components.js';
import { navigate } from '../app.js';
import { AccountList } from './accounts.js';
import type { ScreenProps } from './index.js';

const PAGE = 25;

/** Users a page at a time, searched by name, id or an account's venue fact; a user opens its accounts. */
export function UsersScreen(props: ScreenProps) {
  const selected = props.args[0] === undefined ? null : Number(props.args[0]);
  const paged = usePaged(async (search, after) => {
    const page = await call<{ users: UserSummary[]; next: string | null }>('GET', `/users/page${query({ q: search, after, limit: PAGE })}`);
    return { items: page.users, next: page.next };
  });
  return (
    <section class="split">
      <div class="panel">
        <h1>Users</h1>
        <SearchBox label="Search users" placeholder="name, id, or an account's uid / address" onSearch={paged.setSearch} />
        {paged.error ? <Notice kind="error">{paged.error}</Notice> : null}
        <table class="list" data-list="users">
          <thead>
            <tr>
              <th>id</th>
              <th>name</th>
              <th>accounts</th>
              <th>created</th>
            </tr>
          </thead>
          <tbody>
            {paged.page?.items.map((u) => (
              <tr class={u.id === selected ? 'selected' : ''} onClick={() => navigate('users', u.id)} data-user={u.id}>
                <td>{u.id}</td>
                <td>
                  <a href={`#/users/${u.id}`}>{u.name}</a>
                </td>
                <td>{u.accountCount}</td>
                <td>{formatTime(u.createdAtMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {paged.page && paged.page.items.length === 0 ? <p class="muted">{paged.search ? `No user matches “${paged.search}”.` : 'No users yet.'}</p> : null}
        <Pager paged={paged} label="Users" />
      </div>
      {selected !== null ? <UserDetail id={selected} /> : <div class="panel muted">Choose a user to see its accounts.</div>}
    </section>
  );
}

function UserDetail(props: { id: number }) {
  const [summary, setSummary] = useState<UserSummary | null>(null);
  useEffect(() => {
    // The user's own row of the directory (its id is the cursor's next): one row, however many accounts it has.
    call<{ users: UserSummary[] }>('GET', `/users/page${query({ q: String(props.id), after: props.id - 1, limit: 1 })}`).then(
      (page) => setSummary(page.users.find((u) => u.id === props.id) ?? null),
      () => setSummary(null),
    );
  }, [props.id]);
  return (
    <div class="panel">
      <h2>
        User {props.id}
        {summary ? ` — ${summary.name}` : ''}
      </h2>
      {summary && Object.values(summary.venues).some((facts) => Object.keys(facts).length > 0) ? (
        <p>
          <Facts venues={summary.venues} />
        </p>
      ) : null}
      <AccountList userId={props.id} />
      <p>
        <a href={`#/credentials/${props.id}`}>Credentials of this user →</a>
      </p>
    </div>
  );
}
