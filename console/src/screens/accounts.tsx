import { call, query, type Account } from '../api.js';
import { Facts, Notice, Pager, SearchBox, usePaged } from '../components.js';
import { navigate } from '../app.js';
import type { ScreenProps } from './index.js';

const PAGE = 25;

/** Accounts a page at a time, searched by label, user name, id or a venue fact (a uid, an address). */
export function AccountsScreen(_props: ScreenProps) {
  return (
    <section class="panel">
      <h1>Accounts</h1>
      <AccountList />
    </section>
  );
}

/** The paged, searched account list, of one user when `userId` is given. */
export function AccountList(props: { userId?: number }) {
  const paged = usePaged(
    async (search, after) => {
      const page = await call<{ accounts: Account[]; next: string | null }>('GET', `/accounts/page${query({ q: search, after, limit: PAGE, userId: props.userId })}`);
      return { items: page.accounts, next: page.next };
    },
    [props.userId],
  );
  return (
    <div>
      <SearchBox label="Search accounts" placeholder="label, user name, id, uid, address" onSearch={paged.setSearch} />
      {paged.error ? <Notice kind="error">{paged.error}</Notice> : null}
      <table class="list" data-list="accounts">
        <thead>
          <tr>
            <th>id</th>
            {props.userId === undefined ? <th>user</th> : null}
            <th>kind</th>
            <th>label</th>
            <th>venue facts</th>
          </tr>
        </thead>
        <tbody>
          {paged.page?.items.map((a) => (
            <tr onClick={() => navigate('account', a.id)} data-account={a.id}>
              <td>
                <a href={`#/account/${a.id}`}>{a.id}</a>
              </td>
              {props.userId === undefined ? <td>{a.userName}</td> : null}
              <td>{a.kind}</td>
              <td>{a.label}</td>
              <td>
                <Facts venues={a.venues} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {paged.page && paged.page.items.length === 0 ? <p class="muted">{paged.search ? `No account matches “${paged.search}”.` : 'No accounts.'}</p> : null}
      <Pager paged={paged} label="Accounts" />
    </div>
  );
}
