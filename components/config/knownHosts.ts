// A reader for OpenSSH known_hosts files: which host keys are pinned for a host. Handles plain
// and hashed (`|1|salt|hash`) host names, `[host]:port`, comma lists, `*`/`?` wildcards and
// negation; skips @cert-authority lines and honours @revoked.
import { createHmac } from "node:crypto";

export interface KnownHostKey {
  /** "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa", … */
  readonly type: string;
  readonly base64: string;
}

interface Entry {
  readonly marker?: "revoked";
  readonly patterns: readonly string[];
  readonly key: KnownHostKey;
}

export interface KnownHosts {
  readonly entries: readonly Entry[];
  /** Lines that could not be read: "line N: reason". */
  readonly problems: readonly string[];
}

export function parseKnownHosts(text: string): KnownHosts {
  const entries: Entry[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const fields = line.split(/\s+/);
    let marker: Entry["marker"];
    if (fields[0].startsWith("@")) {
      const m = fields.shift()!;
      if (m === "@cert-authority") return; // host certificates are not used here
      if (m !== "@revoked") {
        problems.push(`line ${i + 1}: unknown marker ${m}`);
        return;
      }
      marker = "revoked";
    }
    const [hosts, type, base64] = fields;
    if (
      hosts === undefined ||
      type === undefined ||
      base64 === undefined ||
      !/^[A-Za-z0-9+/]+=*$/.test(base64)
    ) {
      problems.push(`line ${i + 1}: expected "<hosts> <key type> <base64 key>"`);
      return;
    }
    entries.push({ marker, patterns: hosts.split(","), key: { type, base64 } });
  });
  return { entries, problems };
}

function globMatch(pattern: string, name: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${re}$`, "i").test(name);
}

function hashedMatch(pattern: string, name: string): boolean {
  const [, kind, salt, hash] = pattern.split("|");
  if (kind !== "1" || salt === undefined || hash === undefined) return false;
  const digest = createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest("base64");
  return digest === hash;
}

/** How a host appears in known_hosts: `name` on port 22, `[name]:port` otherwise. */
function hostToken(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function matches(patterns: readonly string[], token: string): boolean {
  let positive = false;
  for (const p of patterns) {
    if (p.startsWith("!")) {
      if (globMatch(p.slice(1), token)) return false;
    } else if (p.startsWith("|")) {
      positive ||= hashedMatch(p, token);
    } else {
      positive ||= globMatch(p, token);
    }
  }
  return positive;
}

/** The keys pinned for `host`, minus revoked ones, as "type base64" lines. */
export function hostKeysFor(known: KnownHosts, host: string, port = 22): string[] {
  const token = hostToken(host, port);
  const found = known.entries.filter((e) => matches(e.patterns, token));
  const revoked = new Set(found.filter((e) => e.marker === "revoked").map((e) => e.key.base64));
  const keys = found
    .filter((e) => e.marker === undefined && !revoked.has(e.key.base64))
    .map((e) => `${e.key.type} ${e.key.base64}`);
  return [...new Set(keys)];
}

/**
 * The one key to pin for a host that has several (a real node has rsa, ecdsa and ed25519 host
 * keys). The command provider takes one key and asks the server for that key's type, so any of
 * them would do; ed25519 first because an RSA pin negotiates `ssh-rsa` (SHA-1), which OpenSSH
 * 8.8 and later refuse, and ecdsa next. Keys of other types keep their known_hosts order.
 */
export function preferredHostKey(keys: readonly string[]): string | undefined {
  const rank = (key: string): number => {
    const type = key.split(" ")[0];
    if (type === "ssh-ed25519") return 0;
    if (type.startsWith("ecdsa-sha2-")) return 1;
    return 2;
  };
  return [...keys].sort((a, b) => rank(a) - rank(b))[0];
}

/**
 * The host names written out in known_hosts (not hashed, not a wildcard or negation), without
 * `[…]:port`: what a hint can compare with the names the cluster expects.
 */
export function plainHostNames(known: KnownHosts): string[] {
  const names = known.entries
    .filter((e) => e.marker === undefined)
    .flatMap((e) => e.patterns)
    .filter((p) => !/^[|!]|[*?]/.test(p))
    .map((p) => p.replace(/^\[(.+)\]:\d+$/, "$1"));
  return [...new Set(names)];
}
