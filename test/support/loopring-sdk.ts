import { createRequire } from 'node:module';

/**
 * The real Loopring SDK (@loopring-web/loopring-sdk 3.9.22, a dev dependency), typed for the
 * calls the tests make. Its ESM build does not load under Node, so it is required as CommonJS;
 * NODE_ENV=production before loading keeps its debug logging (every signed message) quiet.
 */

export interface UserBalance {
  readonly accountId?: number;
  readonly tokenId: number;
  readonly total: string;
  readonly locked: string;
  readonly pending: { readonly withdraw: string; readonly deposit: string };
}

export interface ResultInfo {
  readonly code: number;
  readonly message: string;
}

export interface SdkAccountInfo {
  readonly accountId: number;
  readonly owner: string;
  readonly frozen: boolean;
  readonly publicKey: { readonly x: string; readonly y: string };
  readonly nonce: number;
  readonly keyNonce: number;
  readonly keySeed: string;
}

export interface SdkTokenInfo {
  readonly tokenId: number;
  readonly symbol: string;
  readonly name: string;
  readonly address: string;
  readonly decimals: number;
  readonly precision: number;
  readonly type: string;
  readonly isLpToken: boolean;
}

interface ApiOptions {
  readonly chainId: number;
  readonly baseUrl: string;
}

export interface ExchangeApi {
  getAccount(request: { owner?: string; accountId?: number }): Promise<{ accInfo?: SdkAccountInfo; raw_data?: unknown } & Partial<ResultInfo>>;
  getTokens(): Promise<{ tokensMap: Record<string, SdkTokenInfo>; idIndex: Record<string, string>; addressIndex: Record<string, string>; raw_data: unknown } & Partial<ResultInfo>>;
  getRelayerCurrentTime(): Promise<{ timestamp: number; raw_data: unknown } & Partial<ResultInfo>>;
}

/** The query every history call takes (lsdk/defs/loopring_defs.ts `GetUserDepositHistoryRequest` and its siblings). */
export interface HistoryRequest {
  accountId?: number;
  hashes?: string;
  start?: number;
  end?: number;
  status?: string;
  limit?: number;
  tokenSymbol?: string;
  offset?: number;
  withdrawalTypes?: string;
  transferTypes?: string;
}

/** A history answer: the rows under the method's own name, or the `resultInfo` fields instead. */
export type HistoryAnswer<K extends string> = ({ totalNum?: number; raw_data?: unknown } & { [key in K]?: Record<string, unknown>[] }) & Partial<ResultInfo>;

export interface UserApi {
  getUserApiKey(request: { accountId: number }, eddsaKey: string): Promise<{ apiKey: string; raw_data: unknown }>;
  getUserDepositHistory(request: HistoryRequest, apiKey: string): Promise<HistoryAnswer<'userDepositHistory'>>;
  getUserOnchainWithdrawalHistory(request: HistoryRequest, apiKey: string): Promise<HistoryAnswer<'userOnchainWithdrawalHistory'>>;
  getUserTransferList(request: HistoryRequest, apiKey: string): Promise<HistoryAnswer<'userTransfers'>>;
  getUserBalances(request: { accountId: number; tokens: string }, apiKey: string): Promise<{ userBalances?: Record<string, UserBalance>; raw_data?: unknown } & Partial<ResultInfo>>;
}

export interface LoopringSdk {
  /** The SDK's table of the venue's `resultInfo.code`s: a TypeScript numeric enum, so name → code and code → name. */
  LoopringErrorCode: Readonly<Record<string, number | string>>;
  ExchangeAPI: new (options: ApiOptions) => ExchangeApi;
  UserAPI: new (options: ApiOptions) => UserApi;
  /** Signs a GET or DELETE request the way the SDK's `X-API-SIG` does. */
  getEdDSASig(method: string, basePath: string, apiUrl: string, requestInfo: Map<string, unknown>, privateKey: string): string;
  /** The field element such a request signature signs. */
  creatEdDSASigHasH(input: { method: string; basePath: string; api_url: string; requestInfo: Map<string, unknown> }): { hash: string; hashRaw: string };
  /** Derives a layer-2 key pair from a wallet signature, as the SDK's unlock flow does. */
  generatePrivateKey(result: { sig: string; counterFactualInfo: undefined; error: undefined }): {
    keyPair: { publicKeyX: string; publicKeyY: string; secretKey: string };
    formatedPx: string;
    formatedPy: string;
    sk: string;
  };
  /** Poseidon-hashes field elements (state width = inputs + 1) and signs the hash. */
  getEdDSASigWithPoseidon(inputs: readonly string[], privateKey: string): { hash: { toString(): string }; result: string };
}

process.env.NODE_ENV = 'production';
export const sdk = createRequire(import.meta.url)('@loopring-web/loopring-sdk') as LoopringSdk;

/** The SDK's mainnet chain id; with `baseUrl` given, the base URL is all that decides where it connects. */
export const CHAIN_ID = 1;

/** SDK clients of a server at `baseUrl`, with nothing else changed. */
export function sdkClients(baseUrl: string): { exchange: ExchangeApi; user: UserApi } {
  return { exchange: new sdk.ExchangeAPI({ chainId: CHAIN_ID, baseUrl }), user: new sdk.UserAPI({ chainId: CHAIN_ID, baseUrl }) };
}
