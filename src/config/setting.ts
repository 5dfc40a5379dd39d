/**
 * What a setting is: its flag, environment variable, value syntax, default, meaning, which
 * commands take it, and how its text becomes a value. The server declares its own settings with
 * this (server/settings.ts) and each venue declares its own in its folder; the CLI options,
 * --help and docs/configuration.md's table come from the union. No dependency: the server and the
 * venues both import it.
 */

/** `store`: every command that opens the store; `serve`: the server only. */
export type SettingCommands = 'store' | 'serve';

export interface Setting<T, In extends string | readonly string[] = string> {
  /** The long flag without its dashes; its camelCase is the setting's key (commander's attribute name). */
  readonly flag: string;
  /** The value syntax --help shows between `<>`. */
  readonly value: string;
  readonly env: string;
  readonly commands: SettingCommands;
  /** One line for --help. */
  readonly help: string;
  /** The docs table's "meaning" (markdown), when it says more than `help`. */
  readonly doc?: string;
  /** The default as one could type it: parsed like a given value. Absent: `parse` gets undefined. */
  readonly fallback?: string;
  /** The default in words (markdown), when it is not a value one could type. */
  readonly defaultDoc?: string;
  /** Repeated flags fold into a list. */
  readonly repeatable?: boolean;
  /** Text (flag, else variable, else `fallback`) to value; a ConfigError names the flag and what it takes. */
  parse(text: In | undefined): T;
}

/** Any setting, for tables that hold several kinds. */
export type AnySetting = Setting<unknown, string | readonly string[]>;

/** Each setting's value once parsed, for a table of settings. */
export type SettingValuesOf<Table extends Readonly<Record<string, AnySetting>>> = { readonly [K in keyof Table]: ReturnType<Table[K]['parse']> };

/** Lets TypeScript keep each setting's value type while checking it against `Setting`. */
export const setting = <T, In extends string | readonly string[] = string>(spec: Setting<T, In>): Setting<T, In> => spec;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function oneOf<T extends string>(name: string, allowed: readonly T[]): (text: string | undefined) => T {
  return (text) => {
    if (text === undefined || !(allowed as readonly string[]).includes(text)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')} (got "${text}")`);
    return text as T;
  };
}

export const onOff = (name: string) => (text: string | undefined) => oneOf(name, ['on', 'off'] as const)(text) === 'on';

export const optional = (text: string | undefined): string | null => text ?? null;

/** A number of seconds (up to 3 decimals) from `min` to `max`, as milliseconds. */
export function seconds(name: string, min: number, max: number): (text: string | undefined) => number {
  return (text = '') => {
    const value = Number(text);
    if (!/^[0-9]{1,9}(\.[0-9]{1,3})?$/.test(text) || value < min || value > max) {
      throw new ConfigError(`${name} must be a number of seconds from ${min} to ${max} (got "${text}")`);
    }
    return Math.round(value * 1000);
  };
}
