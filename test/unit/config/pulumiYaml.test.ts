import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { CONFIG_KEYS, CONFIG_NAMESPACE } from "../../../components/config";

const ROOT = path.resolve(__dirname, "../../..");

/**
 * The `config:` block of Pulumi.yaml as key → {type, default, secret}. Reads only the fixed shape
 * this project writes (two-space keys, four-space attributes), which is all it needs to compare.
 */
function declaredConfig(): Record<string, Record<string, string>> {
  const text = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
  const block = text.split(/^config:\n/m)[1];
  assert.ok(block, "Pulumi.yaml has no config: section");
  const result: Record<string, Record<string, string>> = {};
  let current: Record<string, string> | undefined;
  for (const line of block.split("\n")) {
    if (/^\S/.test(line)) break;
    const key = /^ {2}([A-Za-z0-9]+):\s*$/.exec(line);
    if (key) {
      current = result[key[1]] = {};
      continue;
    }
    const attr = /^ {4}(type|default|secret):\s*(.+)$/.exec(line);
    if (attr && current) current[attr[1]] = attr[2].trim();
  }
  return result;
}

describe("Pulumi.yaml", () => {
  const declared = declaredConfig();

  it("is the project whose namespace the program reads", () => {
    const text = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
    assert.match(text, new RegExp(`^name: ${CONFIG_NAMESPACE}$`, "m"));
  });

  it("declares every key the program reads but the secrets, with the same types and defaults", () => {
    const expected = Object.entries(CONFIG_KEYS).filter(([, spec]) => !("secret" in spec));
    assert.deepEqual(Object.keys(declared).sort(), expected.map(([k]) => k).sort());
    for (const [key, spec] of expected) {
      const yaml = declared[key];
      assert.equal(yaml.type, spec.type, key);
      const def =
        "default" in spec ? JSON.stringify(spec.default).replace(/^"(.+)"$/, "$1") : undefined;
      assert.equal(yaml.default, def, key);
    }
  });

  it("documents the secret keys it cannot declare", () => {
    const text = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
    for (const [key, spec] of Object.entries(CONFIG_KEYS)) {
      if ("secret" in spec) assert.match(text, new RegExp(`^#\\s+${key}\\s`, "m"), key);
    }
  });

  it("points the dev stack at the lab's _output with paths relative to the project", () => {
    const dev = fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8");
    const keys = [...dev.matchAll(/^ {2}([a-z-]+):([A-Za-z]+):/gm)];
    assert.ok(keys.length > 0);
    for (const [, ns, key] of keys) {
      assert.equal(ns, CONFIG_NAMESPACE);
      assert.ok(key in CONFIG_KEYS, `Pulumi.dev.yaml sets undeclared key ${key}`);
    }
    assert.doesNotMatch(dev, /: \/|\.\.\//, "dev stack paths must be relative to the project root");
  });
});
