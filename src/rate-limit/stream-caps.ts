import { ConfigError } from '../config/setting.js';

/**
 * Caps on things held at once (open sockets per IP, per key; subscriptions per socket), as opposed
 * to rates (rate-limiter.ts). A venue declares each with the value it documents, and
 * `--stream-limit <venue>.<cap>=N` replaces any by name; `--rate-limits off` lifts them all, for
 * load tests. Counted per instance: a socket lives on one instance, so its count needs nothing
 * shared, and N instances admit N times a per-IP cap (docs/deployment.md).
 */
export interface StreamCap {
  /** `<venue>.<what>`, e.g. `venue.ws-connections-per-ip`. */
  readonly name: string;
  readonly max: number;
}

/** Counts holders per key against one cap. */
export class CapCounter {
  private readonly held = new Map<string, number>();

  constructor(
    readonly cap: StreamCap,
    /** The cap in force: the declared one, an override, or Infinity when limits are off. */
    readonly max: number,
  ) {}

  /** Takes one place for `key`; false (and nothing taken) when `key` already holds `max`. */
  tryAcquire(key: string): boolean {
    const n = this.held.get(key) ?? 0;
    if (n >= this.max) return false;
    this.held.set(key, n + 1);
    return true;
  }

  /** Gives back a place `tryAcquire` took. */
  release(key: string): void {
    const n = this.held.get(key) ?? 0;
    if (n <= 1) this.held.delete(key);
    else this.held.set(key, n - 1);
  }

  count(key: string): number {
    return this.held.get(key) ?? 0;
  }
}

/** Parses `name=N` items, e.g. `venue.ws-connections-per-ip=500,other.cap=3`. */
export function parseStreamCapOverrides(text: string | readonly string[] | undefined): Map<string, number> {
  const out = new Map<string, number>();
  const items = (typeof text === 'string' ? [text] : (text ?? [])).flatMap((t) => t.split(',')).map((t) => t.trim()).filter((t) => t !== '');
  for (const item of items) {
    const match = /^([a-z][a-z0-9.-]*)=([0-9]{1,7})$/.exec(item);
    if (!match || Number(match[2]) < 1) throw new ConfigError(`stream-limit must look like name=N with N at least 1, e.g. venue.ws-connections-per-ip=500 (got "${item}")`);
    out.set(match[1]!, Number(match[2]));
  }
  return out;
}

/** The counters of one server: each cap with its override applied. */
export function capCounters(enabled: boolean, overrides: ReadonlyMap<string, number>): (cap: StreamCap) => CapCounter {
  return (cap) => new CapCounter(cap, enabled ? (overrides.get(cap.name) ?? cap.max) : Infinity);
}
