/**
 * Query-string helpers every venue needs. Signatures are checked against the query exactly as it
 * arrived, so the raw text is kept beside Fastify's parsed map.
 */

/** Longer queries are refused in the venue's shape before anything reads them. */
export const QUERY_LENGTH_MAX = 2048;

/** True when the URL's query is longer than any venue accepts. */
export function isQueryTooLong(url: string): boolean {
  const at = url.indexOf('?');
  return at !== -1 && url.length - at - 1 > QUERY_LENGTH_MAX;
}

/** The query exactly as received: the text after the first `?`, without it; '' when there is none. */
export function rawQueryOf(url: string): string {
  const at = url.indexOf('?');
  return at === -1 ? '' : url.slice(at + 1);
}

/** Decodes a percent-encoded query the way `application/x-www-form-urlencoded` does; null when malformed. */
export function decodeQuery(raw: string): string | null {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/**
 * The single value of a parameter in Fastify's parsed query: undefined when absent, null when
 * repeated (`?coin=A&coin=B`), which no venue endpoint here accepts.
 */
export function singleParam(query: unknown, name: string): string | undefined | null {
  if (query === null || typeof query !== 'object' || !Object.prototype.hasOwnProperty.call(query, name)) return undefined;
  const value = (query as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : null;
}
