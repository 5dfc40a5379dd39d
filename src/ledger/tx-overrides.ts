import type { StoreTx } from '../store/store.js';

/**
 * `tx` with some of its methods replaced by `overrides`, every other one `tx`'s own, bound to it
 * once per transaction rather than at every call (a batch calls several per operation).
 */
export function withOverrides(tx: StoreTx, overrides: Partial<StoreTx>): StoreTx {
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(tx, {
    get(target, property, receiver) {
      if (property in overrides) return overrides[property as keyof StoreTx];
      const known = bound.get(property);
      if (known !== undefined) return known;
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const method = (value as (...args: unknown[]) => unknown).bind(target);
      bound.set(property, method);
      return method;
    },
  });
}
