import { Type } from '@sinclair/typebox';
import { factsSchema } from '../ledger/venue-facts.js';
import { BalancesBody, operatorSchemas, type OperatorVenue } from './schemas.js';

/**
 * Wire schemas of the routes an operator console needs beyond the catalog's: the directory
 * (users and accounts a page at a time, searched), an account's balances as each venue shows them,
 * and the journal's live stream.
 */

/** Rows per directory page at most: a console never asks for a whole catalog. */
export const DIRECTORY_PAGE_MAX = 200;
export const DIRECTORY_LIMIT_RULE = `must be an integer from 1 to ${DIRECTORY_PAGE_MAX}`;
/** Entries a stream may start before the journal's head (`recent`). */
export const STREAM_RECENT_MAX = 500;

const Cursor = Type.String({ pattern: '^(0|[1-9][0-9]{0,15})$', description: 'An id: the page starts after it (0, the default, for the start)', 'x-invalid': 'must be an id (0 or a positive integer)' });
const Limit = Type.String({ pattern: '^[1-9][0-9]{0,15}$', description: `Rows per page, 1 to ${DIRECTORY_PAGE_MAX} (default 50); more is refused, not cut`, 'x-invalid': DIRECTORY_LIMIT_RULE });
const Search = Type.String({
  maxLength: 200,
  description: "Matches an id equal to it, a user's name (accounts: or the account's label) containing it, ignoring case, or an account's unique venue fact equal to it",
  'x-invalid': 'must be a text of at most 200 characters',
});

export const UsersPageQuery = Type.Object({ q: Type.Optional(Search), after: Type.Optional(Cursor), limit: Type.Optional(Limit) }, { additionalProperties: false, title: 'the directory query' });

export const AccountsPageQuery = Type.Object(
  {
    q: Type.Optional(Search),
    userId: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,15}$', description: "Only this user's", 'x-invalid': 'must be a user id: a positive integer' })),
    after: Type.Optional(Cursor),
    limit: Type.Optional(Limit),
  },
  { additionalProperties: false, title: 'the directory query' },
);

export const JournalStreamQuery = Type.Object(
  {
    after: Type.Optional(Type.String({ pattern: '^(0|[1-9][0-9]{0,15})$', description: 'Start after this journal position (a `Last-Event-ID` header says the same)', 'x-invalid': 'must be a journal position (0 or a positive integer)' })),
    recent: Type.Optional(
      Type.String({
        pattern: '^(0|[1-9][0-9]{0,15})$',
        description: `Without \`after\`: start this many entries before the head (0 to ${STREAM_RECENT_MAX}, default 0: only what commits from now on)`,
        'x-invalid': `must be an integer from 0 to ${STREAM_RECENT_MAX}`,
      }),
    ),
  },
  { additionalProperties: false, title: 'the stream query' },
);

const Next = Type.Union([Type.String(), Type.Null()], { description: 'Pass as ?after= to read the next page; null on the last' });

function build(venues: readonly OperatorVenue[]) {
  const schemes = venues.map((v) => v.identity);
  const { AccountOut } = operatorSchemas(venues);
  const UserSummary = Type.Object(
    { id: Type.Integer(), name: Type.String(), venues: factsSchema(schemes, 'user', 'output'), createdAtMs: Type.Integer(), accountCount: Type.Integer() },
    { $id: 'UserSummary' },
  );
  const AccountSummary = Type.Object({ ...AccountOut.properties, userName: Type.String() }, { $id: 'AccountSummary' });
  return {
    UsersPage: Type.Object({ users: Type.Array(UserSummary), next: Next }, { $id: 'UsersPage' }),
    AccountsPage: Type.Object({ accounts: Type.Array(AccountSummary), next: Next }, { $id: 'AccountsPage' }),
  };
}

const built = new WeakMap<readonly OperatorVenue[], ReturnType<typeof build>>();

/** The directory's schemas for the venues served (facts differ by venue), built once per list. */
export function directorySchemas(venues: readonly OperatorVenue[]): ReturnType<typeof build> {
  let schemas = built.get(venues);
  if (!schemas) built.set(venues, (schemas = build(venues)));
  return schemas;
}

export const AccountViewsBody = Type.Object(
  {
    account: Type.Integer(),
    assets: BalancesBody.properties.assets,
    venues: Type.Array(
      Type.Object({
        venue: Type.String(),
        source: Type.Union([Type.String(), Type.Null()], { description: 'The venue read the rows answer (`METHOD path`); null when the venue declares no view' }),
        rows: Type.Array(Type.Object({ asset: Type.String(), row: Type.Record(Type.String(), Type.Unknown()) })),
      }),
    ),
  },
  { $id: 'AccountViews', description: "Every bucket the ledger keeps, and each venue's rows rendered by that venue, from one read of the balances" },
);
