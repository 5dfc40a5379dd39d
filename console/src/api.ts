/**
 * The operator API from the browser. The token lives in sessionStorage (this tab only, gone when
 * it closes) and goes with every call as a bearer header; a 401 forgets it and signs out.
 */

export const API = '/_assetbook/v1';
const TOKEN_KEY = 'assetbook.operatorToken';

/** A refusal of the operator API: its code, message and the field it names (`amount`, `legs/0/from`, `query/limit`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}

type SignOutListener = (reason: string) => void;
const signOutListeners = new Set<SignOutListener>();

export const session = {
  token(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  signIn(token: string): void {
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  signOut(reason = ''): void {
    sessionStorage.removeItem(TOKEN_KEY);
    for (const listener of signOutListeners) listener(reason);
  },
  onSignOut(listener: SignOutListener): () => void {
    signOutListeners.add(listener);
    return () => signOutListeners.delete(listener);
  },
};

async function refusal(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string; path?: string } } | null;
  const error = body?.error;
  return new ApiError(response.status, error?.code ?? `HTTP_${response.status}`, error?.message ?? response.statusText, error?.path);
}

/** Calls the operator API with the token; resolves the JSON answer (null for 204), rejects with an ApiError. */
export async function call<T>(method: string, path: string, body?: unknown, token = session.token()): Promise<T> {
  if (token === null) throw new ApiError(401, 'UNAUTHENTICATED', 'sign in with the operator token');
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${API}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (response.status === 401 && token === session.token()) session.signOut('The operator token was refused: sign in again.');
  if (!response.ok) throw await refusal(response);
  return (response.status === 204 ? null : await response.json()) as T;
}

/** A query string from the parameters given (undefined and '' left out). */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

// What the API answers (docs/operator-api.md).

export type Facts = Record<string, Record<string, unknown>>;

export interface Account {
  id: number;
  userId: number;
  kind: 'main' | 'sub';
  label: string;
  venues: Facts;
  createdAtMs: number;
  userName?: string;
}

export interface UserSummary {
  id: number;
  name: string;
  venues: Facts;
  createdAtMs: number;
  accountCount: number;
}

export interface User {
  id: number;
  name: string;
  venues: Facts;
  createdAtMs: number;
  accounts: Account[];
}

export interface Asset {
  symbol: string;
  name: string;
  scale: number;
}

export type AssetBalances = { asset: string; updatedAtMs: Record<string, number> } & Record<string, string>;

export interface AccountViews {
  account: number;
  assets: AssetBalances[];
  venues: { venue: string; source: string | null; rows: { asset: string; row: Record<string, unknown> }[] }[];
}

export interface Posting {
  account: number;
  bucket: string;
  asset: string;
  amount: string;
}

export interface Entry {
  id: number;
  key: string;
  type: string;
  atMs: number;
  request: Record<string, unknown>;
  postings: Posting[];
}

export interface Credential {
  id: number;
  venue: string;
  userId: number;
  accountId: number;
  label: string;
  publicId: string;
  extra: string[];
  createdAtMs: number;
}

export interface IssuedCredential {
  id: number;
  venue: string;
  userId: number;
  accountId: number;
  secrets: Record<string, string>;
}

export interface Page<T> {
  items: T[];
  next: string | null;
}
