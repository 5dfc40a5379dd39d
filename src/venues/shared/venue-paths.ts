/**
 * The paths a venue has, as a table its not-found handler looks a request up in: a path the venue
 * has but assetbook does not serve gets the venue's "not served" answer, any other path the
 * venue's own not-found answer. Whether assetbook serves a path is never asked here: the
 * not-found handler only runs for requests no registered route took, so a route added later
 * needs no edit to a table.
 *
 * A table is text, one line per method and directory: `METHOD dir leaf leaf ...` names
 * `prefix/dir/leaf` for each leaf, `METHOD path` alone names `prefix/path`. A `{name}` segment
 * stands for any one non-empty segment of at most `PARAM_LENGTH_MAX` characters.
 */

/** Longest value a `{name}` segment matches: past it the path is not one the venue has (and the answer stays short). */
export const PARAM_LENGTH_MAX = 128;

const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']);
const PARAM = /\{[A-Za-z0-9_]+\}/g;

export class VenuePaths {
  /** `METHOD /path` of every path without a parameter. */
  private readonly exact = new Set<string>();
  /** One pattern per path with a parameter, by method. */
  private readonly patterns = new Map<string, RegExp[]>();
  /** Every `METHOD /path` of the table, parameters as written. */
  readonly entries: readonly string[];

  constructor(prefix: string, table: string) {
    const entries: string[] = [];
    for (const line of table.split('\n')) {
      const [method, dir, ...leaves] = line.trim().split(/\s+/);
      if (method === undefined || method === '' || dir === undefined) continue;
      if (!METHODS.has(method)) throw new Error(`venue paths: unknown method in "${line.trim()}"`);
      for (const tail of leaves.length === 0 ? [dir] : leaves.map((leaf) => `${dir}/${leaf}`)) entries.push(this.add(method, `${prefix}/${tail}`));
    }
    this.entries = entries;
  }

  /** True when the venue has this method on this path (`HEAD` asks for `GET`); `path` is the request's, without its query. */
  has(method: string, path: string): boolean {
    const asked = method === 'HEAD' ? 'GET' : method;
    if (this.exact.has(`${asked} ${path}`)) return true;
    return this.patterns.get(asked)?.some((pattern) => pattern.test(path)) ?? false;
  }

  private add(method: string, path: string): string {
    if (!path.includes('{')) {
      this.exact.add(`${method} ${path}`);
    } else {
      const source = path.split(PARAM).map(escapeRegExp).join(`[^/?#]{1,${PARAM_LENGTH_MAX}}`);
      this.patterns.set(method, [...(this.patterns.get(method) ?? []), new RegExp(`^${source}$`)]);
    }
    return `${method} ${path}`;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
