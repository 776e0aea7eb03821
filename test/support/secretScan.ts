// Finds private keys in plain text: in files (the state backend, the working area) and in captured
// console output. A key counts as found by its PEM header (`-----BEGIN … PRIVATE KEY-----`), by
// that header base64-encoded (a kubeconfig's client-key-data, a stage bundle line), or, for the
// keys given, by fragments of their own text: a line of the PEM body (found in JSON, YAML or a
// log too) and pieces of the whole PEM base64-encoded at each of the three byte alignments.
// Findings name where and what, never the matching text.
import * as fs from "node:fs";
import * as path from "node:path";

export interface Finding {
  /** A file path, or the label of a scanned text. */
  readonly where: string;
  /** "PEM private key header", "base64 private key header", or "fragment of key <label>". */
  readonly what: string;
}

export interface Needle {
  readonly text: string;
  readonly what: string;
}

const PEM_HEADER = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----|PRIVATE KEY-----/;

/**
 * The parts of base64(prefix + s) that depend on s alone, for prefixes of 0, 1 and 2 bytes: any
 * base64 stream holding s, wherever s starts in it, contains one of them.
 */
export function base64Cores(s: string | Buffer, minLength = 12): string[] {
  const bytes = Buffer.isBuffer(s) ? s : Buffer.from(s, "utf8");
  const cores: string[] = [];
  for (let k = 0; k < 3; k++) {
    const enc = Buffer.concat([Buffer.alloc(k), bytes]).toString("base64");
    // Drop the group holding prefix bytes, and the last group (it may hold padding or the bytes
    // that follow s in a longer stream).
    const core = enc.slice(k === 0 ? 0 : 4, enc.length - 4);
    if (core.length >= minLength) cores.push(core);
  }
  return cores;
}

/** Base64 of "PRIVATE KEY-----", at every alignment: the header of any PEM key, encoded. */
const B64_HEADERS = base64Cores(" PRIVATE KEY-----", 8);

/**
 * Needles for one PEM private key: a line of its body and 48-character pieces from the middle of
 * the whole PEM base64-encoded at each alignment. Too short a key gives none.
 */
export function keyNeedles(pem: string, label: string): Needle[] {
  const what = `fragment of key ${label}`;
  const body = pem
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("-----"));
  const needles: Needle[] = [];
  const line = body[Math.floor(body.length / 2)];
  if (line !== undefined && line.length >= 32) needles.push({ text: line, what });
  for (const core of base64Cores(pem, 96)) {
    const mid = Math.floor(core.length / 8) * 4;
    needles.push({ text: core.slice(mid, mid + 48), what });
  }
  return needles;
}

/** Every private key in `text` (`where` labels it). */
export function scanText(text: string, where: string, needles: readonly Needle[] = []): Finding[] {
  const found: Finding[] = [];
  if (PEM_HEADER.test(text)) found.push({ where, what: "PEM private key header" });
  if (B64_HEADERS.some((h) => text.includes(h)))
    found.push({ where, what: "base64 private key header" });
  const whats = new Set(needles.filter((n) => text.includes(n.text)).map((n) => n.what));
  for (const what of whats) found.push({ where, what });
  return found;
}

export interface TreeOptions {
  /** Folders (or files) not scanned; each with its reason at the caller. */
  readonly exclude?: readonly string[];
  readonly needles?: readonly Needle[];
}

/** Every file under the roots (following no symbolic link), minus the excluded paths. */
export function filesUnder(roots: readonly string[], exclude: readonly string[] = []): string[] {
  const skip = exclude.map((e) => path.resolve(e));
  const out: string[] = [];
  const walk = (p: string): void => {
    if (skip.some((e) => p === e || p.startsWith(e + path.sep))) return;
    const st = fs.lstatSync(p, { throwIfNoEntry: false });
    if (st === undefined) return;
    if (st.isDirectory()) {
      for (const e of fs.readdirSync(p).sort()) walk(path.join(p, e));
    } else if (st.isFile()) {
      out.push(p);
    }
  };
  for (const r of roots) walk(path.resolve(r));
  return out;
}

/** Every private key in the files under the roots. */
export function scanTree(roots: readonly string[], options: TreeOptions = {}): Finding[] {
  return filesUnder(roots, options.exclude).flatMap((f) =>
    scanText(fs.readFileSync(f).toString("latin1"), f, options.needles),
  );
}
