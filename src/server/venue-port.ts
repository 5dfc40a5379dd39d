import { randomBytes } from 'node:crypto';
import { issueCredential } from '../credentials/issue.js';
import { assert } from '../ledger/errors.js';
import { LedgerSession } from '../ledger/session.js';
import type { Account } from '../ledger/types.js';
import type { CredentialRecord } from '../store/store.js';
import { venueOperationKey, type VenueCredential, type VenueName, type VenuePort } from '../venues/port.js';
import type { VenueDialect } from '../venues/venue.js';
import { capCounters } from '../rate-limit/stream-caps.js';
import type { Runtime } from './runtime.js';

/** The parts of a runtime a venue port is built from. */
export type VenuePortParts = Pick<Runtime, 'config' | 'store' | 'ledger' | 'keyring' | 'clock' | 'rateLimiters' | 'log' | 'readCache' | 'balanceFeed'> &
  Partial<Pick<Runtime, 'faults'>>;

// The port names credentials in its own words; this fails to compile if they drift from the store's.
const credentialsFit: (record: CredentialRecord) => VenueCredential = (record) => record;
void credentialsFit;

/** Where a venue's records live in the store's settings. Names kept as they were before the port existed. */
export const venueSettingNames = (venue: VenueName) => ({
  signingKey: `${venue}.jwt_signing_key`,
  revocations: (userId: number) => `${venue}.revoked_sessions.${userId}`,
  /** Never written: read inside a transaction, it serializes the issuing of an account's first key (see `credentialIssuedIfAbsent`). */
  keyIssue: (accountId: number) => `${venue}.api_key_issue.${accountId}`,
});

/** How many of a venue's read variants keep their scoped name (`scopedVariant`); past them, it is joined per read. */
const SCOPED_VARIANTS_MAX = 256;

/**
 * A read variant under the venue's name (`<venue>|<variant>`), the same string on every read of
 * the variant, so that the read cache hashes it once (see `ReadCache`). Bounded: a variant made
 * from a client's input (a list of assets, say) cannot grow it past `SCOPED_VARIANTS_MAX`.
 */
function variantScoper(venue: VenueName): (variant: string) => string {
  const scoped = new Map<string, string>();
  return (variant) => {
    let name = scoped.get(variant);
    if (name === undefined) {
      name = `${venue}|${variant}`;
      if (scoped.size < SCOPED_VARIANTS_MAX) scoped.set(variant, name);
    }
    return name;
  };
}

/** The port one venue's dialect is given: the runtime seen through the few things a venue needs. */
export function createVenuePort(runtime: VenuePortParts, dialect: VenueDialect): VenuePort {
  const { store, ledger, keyring, faults } = runtime;
  const venue = dialect.id;
  const names = venueSettingNames(venue);
  const scopedVariant = variantScoper(venue);
  const firstKey = async (account: Account, read: (userId: number) => Promise<CredentialRecord[]>) =>
    (await read(account.userId)).find((c) => c.venue === venue && c.accountId === account.id);

  return {
    venue,
    settings: runtime.config.venues[venue] ?? {},
    log: runtime.log,
    keyring,
    clock: () => runtime.clock(),
    limiter: (rule) => runtime.rateLimiters.create(rule),
    streamCap: capCounters(runtime.config.rateLimits, runtime.config.streamCapOverrides),
    streamSendBufferBytes: runtime.config.wsSendBufferBytes,
    generation: () => ledger.generation,
    pushFault: (facts) => (faults === undefined || faults.pushesIdle ? undefined : faults.decidePush(venue, facts)),

    balances: (accountId) => ledger.balances(accountId),
    asset: (symbol) => ledger.asset(symbol),
    assets: () => store.listAssets(),
    cachedRead: (accountId, variant, compute) => runtime.readCache.get(accountId, scopedVariant(variant), compute),
    watchBalances: (accountId, listener) => runtime.balanceFeed.watch(accountId, listener),
    history: (query) => ledger.history(query),

    account: (id) => store.getAccount(id),
    accountByFact: (name, value) => store.findAccount(venue, name, value),
    accountsOfUser: (userId) => store.listAccounts({ userId }),
    user: (id) => store.getUser(id),
    credential: (publicId) => store.getCredential(venue, publicId),

    // Scoped under the venue's name: one venue can never use up another's nonces.
    claimNonce: (scope, nonce, untilMs, nowMs) => store.claimNonce(`${venue}:${scope}`, nonce, untilMs, nowMs),

    loadOrCreateSigningKey: async () => {
      const sealed =
        (await store.getSetting(names.signingKey)) ??
        // A setting read in a transaction is held until it ends: of instances starting together, the first stores its key and the others read it.
        (await store.transaction(async (tx) => {
          const existing = await tx.getSetting(names.signingKey);
          if (existing !== undefined) return existing;
          const fresh = keyring.seal(randomBytes(32).toString('hex'));
          await tx.setSetting(names.signingKey, fresh);
          return fresh;
        }));
      try {
        return Buffer.from(keyring.open(sealed), 'hex');
      } catch {
        throw new Error(`${venue}: the stored session signing key cannot be opened with this secret key (was the store created with another one?)`);
      }
    },

    transfer: async ({ key, from, to, asset, amount }) => {
      const { entry, replayed } = await ledger.apply({ type: 'transfer', key: venueOperationKey(venue, key), from, to, asset, amount });
      return { id: entry.id, atMs: entry.atMs, replayed };
    },

    revocations: (userId) => store.getSetting(names.revocations(userId)),
    revokeSession: (userId, update) =>
      store.transaction(async (tx) => {
        const name = names.revocations(userId);
        const next = update(await tx.getSetting(name));
        await tx.setSetting(name, next);
        return next;
      }),

    credentialIssuedIfAbsent: async (account, label) => {
      const existing = await firstKey(account, (userId) => store.listCredentials(userId));
      if (existing) return existing;
      // Whether a credential exists is decided again inside the transaction that issues one, after
      // taking the account's issue lock (a setting read is held until the transaction ends, on
      // every engine): a second first request, on this instance or another, waits for the first
      // to commit, then finds its credential. Without the lock, two PostgreSQL instances at READ
      // COMMITTED would both see none and issue two.
      return store.transaction(async (tx) => {
        await tx.getSetting(names.keyIssue(account.id));
        const issuedMeanwhile = await firstKey(account, (userId) => tx.listCredentials(userId));
        if (issuedMeanwhile) return issuedMeanwhile;
        // A ledger session over this very transaction, since `ledger.session` gives no way to take
        // the lock first; a credential writes no journal entry, so the ledger's events miss nothing.
        const issued = await issueCredential(new LedgerSession(tx, runtime.clock()), keyring, dialect.credentials, venue, account, {}, label);
        const record = (await tx.listCredentials(account.userId)).find((c) => c.id === issued.id);
        assert(record !== undefined, `credential ${issued.id} was just stored`);
        return record;
      });
    },
  };
}
