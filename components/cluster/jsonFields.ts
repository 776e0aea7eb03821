// Reads typed fields out of parsed JSON, recording each problem as "<file>: <json path>: <what>"
// so that one run reports every mistake in the file, not just the first.

export type Json =
  null | boolean | number | string | readonly Json[] | { readonly [k: string]: Json };

export class JsonFields {
  /**
   * @param file the file named in every message
   * @param prefix the JSON path of the object this reader reads from (empty for the document)
   * @param problems shared with the readers made by `within`, so one list holds them all
   */
  constructor(
    readonly file: string,
    readonly prefix = "",
    readonly problems: string[] = [],
  ) {}

  /** A reader whose paths are relative to `path` (e.g. "properties.agentPoolProfiles[1]"). */
  within(path: string): JsonFields {
    return new JsonFields(this.file, this.full(path), this.problems);
  }

  full(path: string): string {
    if (this.prefix === "") return path;
    return path.startsWith("[") ? `${this.prefix}${path}` : `${this.prefix}.${path}`;
  }

  fail(path: string, message: string): undefined {
    this.problems.push(`${this.file}: ${this.full(path)}: ${message}`);
    return undefined;
  }

  /** The value at a dotted path ("properties.masterProfile"), or undefined if any step is absent. */
  at(root: Json | undefined, path: string): Json | undefined {
    let value: Json | undefined = root;
    for (const key of path.split(".")) {
      if (!isObject(value) || !(key in value)) return undefined;
      value = value[key];
    }
    return value;
  }

  object(root: Json | undefined, path: string, hint: string): Record<string, Json> | undefined {
    const value = this.at(root, path);
    if (value === undefined || value === null) return this.fail(path, `missing. ${hint}`);
    if (!isObject(value)) return this.fail(path, `expected an object, got ${describe(value)}.`);
    return value;
  }

  string(root: Json | undefined, path: string, hint: string): string | undefined {
    const value = this.at(root, path);
    if (value === undefined || value === null || value === "") {
      return this.fail(path, `missing. ${hint}`);
    }
    if (typeof value !== "string") {
      return this.fail(path, `expected a string, got ${describe(value)}.`);
    }
    return value;
  }

  optionalString(root: Json | undefined, path: string): string | undefined {
    const value = this.at(root, path);
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value !== "string") {
      return this.fail(path, `expected a string, got ${describe(value)}.`);
    }
    return value;
  }

  optionalBoolean(root: Json | undefined, path: string): boolean | undefined {
    const value = this.at(root, path);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "boolean") {
      return this.fail(path, `expected true or false, got ${describe(value)}.`);
    }
    return value;
  }

  integer(root: Json | undefined, path: string, hint: string): number | undefined {
    const value = this.at(root, path);
    if (value === undefined || value === null) return this.fail(path, `missing. ${hint}`);
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
      return this.fail(path, `expected a whole number, got ${describe(value)}.`);
    }
    return value;
  }

  optionalStringArray(root: Json | undefined, path: string): readonly string[] | undefined {
    const value = this.at(root, path);
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) {
      return this.fail(path, `expected a list of strings, got ${describe(value)}.`);
    }
    const list = value as readonly Json[];
    const bad = list.findIndex((item) => typeof item !== "string");
    if (bad >= 0) {
      return this.fail(`${path}[${bad}]`, `expected a string, got ${describe(list[bad])}.`);
    }
    return list as readonly string[];
  }
}

export function isObject(value: Json | undefined): value is { readonly [k: string]: Json } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A short, quoted rendering of a bad value for an error message. */
export function describe(value: Json | undefined): string {
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}..."` : text;
}
