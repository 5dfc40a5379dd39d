/**
 * A small cache for what a venue's hot path reads from the store on every request (a key's
 * record, its account, a verified token). An entry is served only while it is younger than
 * `ttlMs` and was stored under the ledger's current generation, so a reset in this process drops
 * everything at once and a change made elsewhere is seen within `ttlMs`. At `maxEntries` the
 * oldest entry is dropped, so a caller presenting ever-new keys cannot grow it without bound.
 */
export class FreshCache<K, V> {
  private readonly entries = new Map<K, { readonly value: V; readonly generation: number; readonly expiresAtMs: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  get(key: K, generation: number, nowMs: number): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.generation === generation && entry.expiresAtMs > nowMs) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: K, value: V, generation: number, nowMs: number, ttlMs = this.ttlMs): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, generation, expiresAtMs: nowMs + ttlMs });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
