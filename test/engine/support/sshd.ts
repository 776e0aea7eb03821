// A throwaway sshd on 127.0.0.1 for engine tests, configured like an AKS Engine node's (rsa,
// ecdsa and ed25519 host keys, PAM, AcceptEnv LANG LC_*, the sftp subsystem, MaxAuthTries 4,
// ClientAliveInterval 120): its own config, host keys and authorized key in a temp dir,
// started in the foreground (-D) and stopped by its PID, never by name.
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export interface Sshd {
  port: number;
  user: string;
  /** Directory the test owns; the sshd's files and anything the test writes live here. */
  dir: string;
  /** Path of the client private key (mode 0600). */
  clientKeyPath: string;
  /** The host keys as ssh-keyscan lists them, in authorized_keys form ("type base64"). */
  hostKeys: string[];
  stop(): Promise<void>;
}

/** Asks the kernel for a free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      if (child.exitCode !== null) {
        reject(new Error(`sshd exited with code ${child.exitCode} before listening`));
        return;
      }
      const sock = net.connect(port, "127.0.0.1");
      sock.once("connect", () => {
        sock.destroy();
        resolve();
      });
      sock.once("error", () => {
        sock.destroy();
        if (Date.now() > deadline) reject(new Error(`sshd did not listen on ${port}`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

/** The host key types of an AKS Engine node (Ubuntu's sshd generates all three). */
const HOST_KEY_TYPES = ["rsa", "ecdsa", "ed25519"];

/** PAM as on a node, where this machine's sshd has its PAM stack (openssh-server installs it). */
function usePam(): string {
  return fs.existsSync("/etc/pam.d/sshd") ? "yes" : "no";
}

/** The host keys the server shows, read with ssh-keyscan like an operator pinning a node. */
function scanHostKeys(port: number): string[] {
  const out = execFileSync("ssh-keyscan", ["-p", String(port), "127.0.0.1"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  return out
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split(/\s+/).slice(1, 3).join(" "));
}

export async function startSshd(): Promise<Sshd> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-sshd-"));
  const hostKeyPaths = HOST_KEY_TYPES.map((t) => path.join(dir, `host_${t}`));
  const clientKeyPath = path.join(dir, "client_ed25519");
  HOST_KEY_TYPES.forEach((t, i) => {
    execFileSync("ssh-keygen", [
      "-q",
      "-t",
      t,
      "-N",
      "",
      "-C",
      "engine-test",
      "-f",
      hostKeyPaths[i],
    ]);
  });
  execFileSync("ssh-keygen", [
    "-q",
    "-t",
    "ed25519",
    "-N",
    "",
    "-C",
    "engine-test",
    "-f",
    clientKeyPath,
  ]);
  fs.copyFileSync(`${clientKeyPath}.pub`, path.join(dir, "authorized_keys"));
  const port = await freePort();
  const user = os.userInfo().username;
  const config = path.join(dir, "sshd_config");
  fs.writeFileSync(
    config,
    [
      `ListenAddress 127.0.0.1`,
      `Port ${port}`,
      ...hostKeyPaths.map((k) => `HostKey ${k}`),
      `PidFile ${path.join(dir, "sshd.pid")}`,
      `AuthorizedKeysFile ${path.join(dir, "authorized_keys")}`,
      `PubkeyAuthentication yes`,
      `PasswordAuthentication no`,
      `KbdInteractiveAuthentication no`,
      `PermitRootLogin prohibit-password`,
      `StrictModes no`,
      `UsePAM ${usePam()}`,
      `AcceptEnv LANG LC_*`,
      `Subsystem sftp /usr/lib/openssh/sftp-server`,
      `MaxAuthTries 4`,
      `ClientAliveInterval 120`,
      ``,
    ].join("\n"),
  );
  // sshd refuses to start without its privilege-separation directory.
  fs.mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  const child = spawn("/usr/sbin/sshd", ["-D", "-e", "-f", config], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  try {
    await waitForPort(port, child, 10_000);
  } catch (err) {
    child.kill("SIGTERM");
    throw new Error(`${(err as Error).message}\n${log}`);
  }
  let hostKeys: string[];
  try {
    hostKeys = scanHostKeys(port);
  } catch (err) {
    child.kill("SIGTERM");
    throw err;
  }
  return {
    port,
    user,
    dir,
    clientKeyPath,
    hostKeys,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.pid === undefined) {
          resolve();
          return;
        }
        child.once("exit", () => resolve());
        process.kill(child.pid, "SIGTERM");
      }),
  };
}
