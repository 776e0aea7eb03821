// A throw-away node for the node-side scripts: a private mount, UTS and network namespace on this
// host, with copy-on-write overlays over /etc and /var and a tmpfs /home, so a script writes
// where it would on a node while nothing on the host changes. Real bash, coreutils, openssl and
// etcd; no systemd (the lab's nodes have it). Needs root and util-linux's unshare/nsenter.
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const SCRIPTS_DIR = path.resolve(__dirname, "../../scripts/remote");

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class Sandbox {
  private holder?: ChildProcess;
  private readonly root: string;

  constructor(private readonly hostname: string) {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), "rotate-sandbox-"));
  }

  /** Starts the namespace holder and waits until its mounts are in place. */
  async start(): Promise<void> {
    const r = this.root;
    const setup = [
      "set -e",
      `mount -t tmpfs sandbox ${r}`,
      `mkdir -p ${r}/etc/u ${r}/etc/w ${r}/var/u ${r}/var/w`,
      `mount -t overlay sandbox-etc -o lowerdir=/etc,upperdir=${r}/etc/u,workdir=${r}/etc/w /etc`,
      `mount -t overlay sandbox-var -o lowerdir=/var,upperdir=${r}/var/u,workdir=${r}/var/w /var`,
      "mount -t tmpfs sandbox-home /home",
      `hostname ${this.hostname}`,
      "ip link set lo up",
      "echo ready",
      "exec sleep infinity",
    ].join("\n");
    const holder = spawn(
      "unshare",
      ["--mount", "--uts", "--net", "--propagation", "private", "--", "bash", "-c", setup],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    this.holder = holder;
    await new Promise<void>((resolve, reject) => {
      let err = "";
      holder.stderr!.on("data", (d: Buffer) => (err += d.toString()));
      holder.stdout!.on("data", (d: Buffer) => {
        if (d.toString().includes("ready")) resolve();
      });
      holder.on("exit", (code) => reject(new Error(`sandbox exited (${code}): ${err}`)));
    });
  }

  /** Runs a shell command inside the sandbox. */
  sh(command: string, input?: string): RunResult {
    return this.exec(["bash", "-c", command], input);
  }

  /** Runs one of the project's node-side scripts inside the sandbox, as the wiring does. */
  script(name: string, args: readonly string[] = [], input?: string): RunResult {
    return this.exec(["bash", path.join(SCRIPTS_DIR, name), ...args], input);
  }

  /** Like sh(), but throws with the output when the command fails. */
  must(command: string, input?: string): string {
    const res = this.sh(command, input);
    if (res.code !== 0) {
      throw new Error(`sandbox command failed (${res.code}): ${command}\n${res.stderr}`);
    }
    return res.stdout;
  }

  /** Every file and dir under the given roots with mode, owner, mtime and content hash. */
  snapshot(roots: readonly string[] = ["/etc/kubernetes", "/var/lib/kubelet", "/home"]): string {
    return this.must(
      `for r in ${roots.join(" ")}; do [ -e "$r" ] || continue; ` +
        `find "$r" -printf '%p %m %u:%g %T@ ' -exec sh -c '[ -f "$1" ] && sha256sum < "$1" || echo dir' _ {} \\; ; done`,
    );
  }

  /** Kills the holder (and with it the namespace) by its pid. */
  stop(): void {
    if (this.holder?.pid !== undefined && this.holder.exitCode === null) {
      process.kill(this.holder.pid, "SIGKILL");
    }
    fs.rmSync(this.root, { recursive: true, force: true });
  }

  private exec(argv: readonly string[], input?: string): RunResult {
    const pid = this.holder?.pid;
    if (pid === undefined) throw new Error("sandbox not started");
    const res = spawnSync("nsenter", ["-t", String(pid), "-m", "-u", "-n", "--", ...argv], {
      input,
      encoding: "utf8",
      timeout: 120_000,
    });
    return { code: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
  }
}

export function sha256(content: string): string {
  return crypto.createHash("sha256").update(content).digest("hex");
}

/** One stage.sh bundle line. */
export function bundleLine(
  dest: string,
  mode: string,
  owner: string,
  content: string,
  sha = sha256(content),
): string {
  return `${dest} ${mode} ${owner} ${sha} ${Buffer.from(content).toString("base64")}`;
}

/**
 * A bash snippet that makes a small PKI with openssl (RSA 2048 for speed) in dir: ca, an etcd
 * server cert for 127.0.0.1 with both usages (as AKS Engine's), and client/apiserver/proxy pairs.
 */
export function makePkiScript(dir: string, cn: string): string {
  return `
set -euo pipefail
mkdir -p ${dir} && cd ${dir}
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=${cn} 2>/dev/null
leaf() {
  openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$1" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1\\nextendedKeyUsage=serverAuth,clientAuth\\n' > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -out "$1.crt" -extfile "$1.ext" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
for n in etcdserver etcdclient etcdpeer0 apiserver client proxy; do leaf $n; done
cp ca.crt proxy-ca.crt
`;
}
