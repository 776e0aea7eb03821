// Reading raw stack config one key at a time, collecting every problem as one line
// "config <key>: <what is wrong>. <what to do>", so validation reports them all at once.
import { CONFIG_KEYS, type ConfigKeyName } from "./schema";

/** Config as Pulumi hands it to the program: strings, or undefined when unset. */
export type RawConfig = Readonly<Partial<Record<ConfigKeyName, string>>>;

export interface ConfigReader {
  readonly problems: readonly string[];
  fail(key: ConfigKeyName, message: string): undefined;
  /** The trimmed value, or undefined when unset or empty. */
  text(key: ConfigKeyName): string | undefined;
  required(key: ConfigKeyName, hint: string): string | undefined;
  /** A whole number in [min, max]; the key's default (or min) when unset or wrong. */
  integer(key: ConfigKeyName, min: number, max: number): number;
  oneOf(key: ConfigKeyName, allowed: readonly number[], fallback: number): number;
  boolean(key: ConfigKeyName, fallback: boolean): boolean;
  /** One of `allowed`; `separator` joins them in the message. */
  choice<T extends string>(
    key: ConfigKeyName,
    allowed: readonly T[],
    fallback: T,
    separator: string,
  ): T;
  /** The value, with the problem `why(value)` when `ok(value)` is false. */
  matching(
    key: ConfigKeyName,
    ok: (value: string) => boolean,
    why: (value: string) => string,
  ): string | undefined;
}

export function configReader(raw: RawConfig): ConfigReader {
  const problems: string[] = [];
  const fail = (key: ConfigKeyName, message: string): undefined => {
    problems.push(`config ${key}: ${message}`);
    return undefined;
  };
  const text = (key: ConfigKeyName): string | undefined => {
    const value = raw[key]?.trim();
    return value === undefined || value === "" ? undefined : value;
  };
  const invalid = <T>(key: ConfigKeyName, expected: string, value: string, fallback: T): T => {
    fail(key, `expected ${expected}, got ${JSON.stringify(value)}.`);
    return fallback;
  };
  return {
    problems,
    fail,
    text,
    required: (key, hint) => text(key) ?? fail(key, `missing. ${hint}`),
    integer(key, min, max) {
      const spec = CONFIG_KEYS[key] as { default?: unknown };
      const fallback = typeof spec.default === "number" ? spec.default : min;
      const value = text(key);
      if (value === undefined) return fallback;
      const ok = /^[0-9]+$/.test(value) && Number(value) >= min && Number(value) <= max;
      return ok
        ? Number(value)
        : invalid(key, `a whole number from ${min} to ${max}`, value, fallback);
    },
    oneOf(key, allowed, fallback) {
      const value = text(key);
      if (value === undefined) return fallback;
      const choices = `${allowed.slice(0, -1).join(", ")} or ${allowed[allowed.length - 1]}`;
      return allowed.map(String).includes(value)
        ? Number(value)
        : invalid(key, choices, value, fallback);
    },
    boolean(key, fallback) {
      const value = text(key);
      if (value === undefined) return fallback;
      if (value === "true" || value === "false") return value === "true";
      return invalid(key, "true or false", value, fallback);
    },
    choice(key, allowed, fallback, separator) {
      const value = text(key) ?? fallback;
      if ((allowed as readonly string[]).includes(value)) return value as typeof fallback;
      const choices = allowed.map((s) => JSON.stringify(s)).join(separator);
      return invalid(key, choices, value, value as typeof fallback);
    },
    matching(key, ok, why) {
      const value = text(key);
      if (value !== undefined && !ok(value)) fail(key, why(value));
      return value;
    },
  };
}
