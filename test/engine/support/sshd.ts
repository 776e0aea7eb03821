// A throwaway sshd on 127.0.0.1 for engine tests: its own config, host key and authorized key
// in a temp dir, started in the foreground (-D) and stopped by its PID, never by name.
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

export async function startSshd(): Promise<Sshd> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-sshd-"));
  const hostKey = path.join(dir, "host_ed25519");
  const clientKeyPath = path.join(dir, "client_ed25519");
  for (const k of [hostKey, clientKeyPath]) {
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "engine-test", "-f", k]);
  }
  fs.copyFileSync(`${clientKeyPath}.pub`, path.join(dir, "authorized_keys"));
  const port = await freePort();
  const user = os.userInfo().username;
  const config = path.join(dir, "sshd_config");
  fs.writeFileSync(
    config,
    [
      `ListenAddress 127.0.0.1`,
      `Port ${port}`,
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, "sshd.pid")}`,
      `AuthorizedKeysFile ${path.join(dir, "authorized_keys")}`,
      `PubkeyAuthentication yes`,
      `PasswordAuthentication no`,
      `KbdInteractiveAuthentication no`,
      `PermitRootLogin prohibit-password`,
      `StrictModes no`,
      `UsePAM no`,
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
  return {
    port,
    user,
    dir,
    clientKeyPath,
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
