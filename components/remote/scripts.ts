// The node-side scripts (scripts/remote/*.sh) as the wiring sees them: where they land on a node,
// the command line that runs one, and the hash that makes a step re-run when its script changes.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

/** scripts/remote in this checkout. */
export const SCRIPTS_DIR = path.resolve(__dirname, "../../scripts/remote");
/** scripts/local: steps that run on the operator's machine. */
export const LOCAL_SCRIPTS_DIR = path.resolve(__dirname, "../../scripts/local");

/** The scripts every node receives; each step names one. */
export type ScriptName =
  | "preflight.sh"
  | "stage.sh"
  | "backup.sh"
  | "install.sh"
  | "verify.sh"
  | "restart-etcd.sh"
  | "wait-etcd-healthy.sh"
  | "frontproxy.sh"
  | "restart-control-plane.sh"
  | "wait-apiserver.sh"
  | "restart-kubelet.sh"
  | "wait-node-ready.sh"
  | "rollout-restart.sh"
  | "reissue-sa-tokens.sh"
  | "list-bare-pods.sh"
  | "reboot.sh"
  | "wait-reboot.sh"
  | "verify-cluster.sh"
  | "rollback.sh"
  | "cleanup.sh"
  // The staged mode (docs/staged.md): bundles, the separate signer, leader moves, phase gates.
  | "trust.sh"
  | "signer.sh"
  | "etcd-move-leader.sh"
  | "staged-gate.sh";

/**
 * The admin user's home, where CopyToRemote (which runs as that user, without sudo) can write;
 * survives reboots, unlike /tmp on Ubuntu. The archive lands in `<dir>/remote/`.
 */
export function remoteBaseDir(user: string): string {
  return user === "root" ? "/root/.aks-rotate-certs" : `/home/${user}/.aks-rotate-certs`;
}

function sha256(data: string | Buffer): string {
  return crypto.createHash("sha256").update(data).digest("hex");
}

const cache = new Map<string, string>();
function read(file: string): string {
  let text = cache.get(file);
  if (text === undefined) {
    text = fs.readFileSync(file, "utf8");
    cache.set(file, text);
  }
  return text;
}

const hashes = new Map<ScriptName, string>();
/**
 * SHA-256 of a script together with the lib.sh it sources: a step's trigger. Hashed once per
 * script (every step asks; issue 14), from the same once-read contents as before.
 */
export function scriptHash(name: ScriptName): string {
  let hash = hashes.get(name);
  if (hash === undefined) {
    hash = sha256(
      read(path.join(SCRIPTS_DIR, "lib.sh")) + "\0" + read(path.join(SCRIPTS_DIR, name)),
    );
    hashes.set(name, hash);
  }
  return hash;
}

/** SHA-256 over every file of scripts/remote: the delivery step's trigger. */
export function scriptsBundleHash(dir = SCRIPTS_DIR): string {
  const names = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".sh"))
    .sort();
  return sha256(names.map((n) => `${n}\0${read(path.join(dir, n))}`).join("\0"));
}

/** Single-quotes one shell word. Arguments are names, paths and digests, never key material. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9._/:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'"'"'`)}'`;
}

/** The command line of a remote step: the delivered script, run as root through `sudo -n`. */
export function scriptCommand(
  user: string,
  name: ScriptName,
  args: readonly string[] = [],
): string {
  const script = `${remoteBaseDir(user)}/remote/${name}`;
  return ["sudo", "-n", "bash", script, ...args].map(shellQuote).join(" ");
}
