import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { hostKeysFor, parseKnownHosts, preferredHostKey } from "../../../components/config";

const KEY_A = "AAAAC3NzaC1lZDI1NTE5AAAAIA1";
const KEY_B = "AAAAC3NzaC1lZDI1NTE5AAAAIB2";

function hashed(host: string): string {
  const salt = Buffer.from("0123456789abcdefghij");
  const hash = createHmac("sha1", salt).update(host).digest("base64");
  return `|1|${salt.toString("base64")}|${hash}`;
}

describe("known_hosts reader", () => {
  const text = [
    "# lab nodes",
    `10.240.255.5,k8s-master-12345678-0 ssh-ed25519 ${KEY_A}`,
    `${hashed("k8s-linuxpool-12345678-0")} ssh-ed25519 ${KEY_B}`,
    `[10.240.255.6]:2222 ssh-ed25519 ${KEY_B}`,
    `k8s-*-12345678-?,!k8s-master-12345678-9 ssh-ed25519 ${KEY_B}`,
    `@cert-authority *.example ssh-ed25519 ${KEY_A}`,
    "",
  ].join("\n");
  const known = parseKnownHosts(text);

  it("finds keys by plain name, by IP and by hashed name", () => {
    assert.deepEqual(hostKeysFor(known, "10.240.255.5"), [`ssh-ed25519 ${KEY_A}`]);
    assert.deepEqual(hostKeysFor(known, "k8s-master-12345678-0"), [
      `ssh-ed25519 ${KEY_A}`,
      `ssh-ed25519 ${KEY_B}`,
    ]);
    assert.deepEqual(hostKeysFor(known, "k8s-linuxpool-12345678-0"), [`ssh-ed25519 ${KEY_B}`]);
  });

  it("matches ports, wildcards and negations as OpenSSH does", () => {
    assert.deepEqual(hostKeysFor(known, "10.240.255.6"), []);
    assert.deepEqual(hostKeysFor(known, "10.240.255.6", 2222), [`ssh-ed25519 ${KEY_B}`]);
    assert.deepEqual(hostKeysFor(known, "k8s-master-12345678-9"), []);
    assert.deepEqual(hostKeysFor(known, "other.example"), []);
  });

  it("drops revoked keys and reports unreadable lines", () => {
    const withRevoked = parseKnownHosts(
      `h ssh-ed25519 ${KEY_A}\n@revoked h ssh-ed25519 ${KEY_A}\nbroken line\n@weird h t k`,
    );
    assert.deepEqual(hostKeysFor(withRevoked, "h"), []);
    assert.deepEqual(withRevoked.problems, [
      'line 3: expected "<hosts> <key type> <base64 key>"',
      "line 4: unknown marker @weird",
    ]);
  });

  it("pins ed25519 first, then ecdsa, then any other type, whatever the file's order", () => {
    const rsa = "ssh-rsa AAAAB3Nza";
    const ecdsa = "ecdsa-sha2-nistp256 AAAAE2Vj";
    const ed = "ssh-ed25519 AAAAC3Nz";
    const table: Array<[string[], string | undefined]> = [
      [[rsa, ecdsa, ed], ed],
      [[ed, ecdsa, rsa], ed],
      [[rsa, ecdsa], ecdsa],
      [["ecdsa-sha2-nistp521 AAAA", rsa], "ecdsa-sha2-nistp521 AAAA"],
      [[rsa, "ssh-dss AAAA"], rsa],
      [[], undefined],
    ];
    for (const [keys, want] of table) assert.equal(preferredHostKey(keys), want, keys.join(" | "));
  });
});
