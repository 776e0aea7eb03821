// The private-key scanner the end-to-end suite runs over everything the program and its engine
// write (test/support/secretScan.ts): it must find a planted key in every form a key can leak in.
import assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { base64Cores, keyNeedles, scanText, scanTree } from "../support/secretScan";
import { tempDir } from "./support/fixtures";

const rsa = () =>
  crypto
    .generateKeyPairSync("rsa", { modulusLength: 2048 })
    .privateKey.export({ type: "pkcs1", format: "pem" })
    .toString();
const KEY = rsa();
const OTHER = rsa();
const needles = keyNeedles(KEY, "ca");
const body = (pem: string) =>
  pem
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("-----"))
    .join("\n");

describe("secret scan", () => {
  it("finds a planted PEM key in a file and names the file, never the key", () => {
    const { dir, cleanup } = tempDir();
    try {
      fs.mkdirSync(path.join(dir, "state", ".pulumi", "history"), { recursive: true });
      fs.writeFileSync(path.join(dir, "state", "clean.json"), '{"ciphertext":"v1:abc"}');
      const planted = path.join(dir, "state", ".pulumi", "history", "x.history.json");
      fs.writeFileSync(planted, JSON.stringify({ outputs: { stdout: KEY } }));
      const found = scanTree([dir], { needles });
      assert.deepEqual(found, [
        { where: planted, what: "PEM private key header" },
        { where: planted, what: "fragment of key ca" },
      ]);
      assert.ok(!JSON.stringify(found).includes(body(KEY).slice(0, 20)));
    } finally {
      cleanup();
    }
  });

  it("skips the excluded folders (the lab's simulated disks)", () => {
    const { dir, cleanup } = tempDir();
    try {
      fs.mkdirSync(path.join(dir, "lab", "pki"), { recursive: true });
      fs.writeFileSync(path.join(dir, "lab", "pki", "ca.key"), KEY);
      fs.writeFileSync(path.join(dir, "lab", "pki-not-excluded.key"), KEY);
      const found = scanTree([dir], { exclude: [path.join(dir, "lab", "pki")] });
      assert.deepEqual(
        found.map((f) => path.relative(dir, f.where)),
        ["lab/pki-not-excluded.key"],
      );
    } finally {
      cleanup();
    }
  });

  it("finds a key base64-encoded at any byte alignment (kubeconfig data, stage bundles)", () => {
    for (const prefix of ["", "a", "ab", "abc", '{"user":'] as const) {
      const blob = Buffer.from(prefix + KEY + "trailing").toString("base64");
      const found = scanText(`client-key-data: ${blob}`, `prefix ${prefix.length}`, needles);
      assert.deepEqual(
        found.map((f) => f.what),
        ["base64 private key header", "fragment of key ca"],
        `prefix ${JSON.stringify(prefix)}`,
      );
    }
  });

  it("finds fragments of a given key without its header (a JSON-escaped body, a log line)", () => {
    const escaped = JSON.stringify(body(KEY));
    assert.deepEqual(scanText(escaped, "log", needles), [
      { where: "log", what: "fragment of key ca" },
    ]);
    const b64Body = Buffer.from(body(KEY)).toString("base64");
    assert.deepEqual(
      scanText(b64Body, "b64", needles).map((f) => f.what),
      ["fragment of key ca"],
    );
  });

  it("finds nothing in text without a key, nor another key's fragments as this one's", () => {
    const noise = crypto.randomBytes(4096).toString("base64");
    assert.deepEqual(scanText(noise, "noise", needles), []);
    assert.deepEqual(scanText(body(OTHER), "other", needles), []);
    assert.deepEqual(scanText("-----BEGIN CERTIFICATE-----\nMIIB\n", "cert", needles), []);
  });

  it("derives base64 pieces that depend on the text alone", () => {
    const cores = base64Cores("0123456789abcdefghij");
    assert.equal(cores.length, 3);
    for (const [i, prefix] of ["xyz", "x", "xy"].entries()) {
      const enc = Buffer.from(prefix + "0123456789abcdefghij!!").toString("base64");
      assert.ok(enc.includes(cores[i]), `alignment ${i}`);
    }
  });
});
