// Running real commands from the lab and end-to-end tests: never throws on a non-zero exit (a
// test asserts on the code and output of a failure as well as of a success), and can watch the
// output of a long command line by line to interrupt it at a chosen point.
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export const repoRoot = path.resolve(__dirname, "../..");

export interface RunResult {
  readonly code: number;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time in seconds. */
  readonly seconds: number;
}

export interface RunOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string;
  readonly timeoutMs?: number;
  /** Called with every complete line of stdout and stderr, and the child to signal. */
  readonly onLine?: (line: string, child: ChildProcess) => void;
  /** Own process group, so `killGroup` can end the command and every process it started. */
  readonly detached?: boolean;
}

/** Sends a signal to the process group of a child started with `detached: true`. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid !== undefined) {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Every process below `pid` (children, their children, …), from /proc. */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // After "(comm) ": state, then the parent's PID.
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  let frontier = [pid];
  while (frontier.length > 0) {
    frontier = [...parentOf].filter(([, ppid]) => frontier.includes(ppid)).map(([p]) => p);
    found.push(...frontier);
  }
  return found;
}

/**
 * Sends a signal to a `detached: true` child's process group and to every process below it:
 * the Pulumi CLI starts its language host and plugins outside its group, and they would outlive
 * a killed CLI.
 */
export function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
  const below = child.pid === undefined ? [] : descendants(child.pid);
  killGroup(child, signal);
  for (const pid of below) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

export function run(
  cmd: string,
  args: readonly string[],
  opts: RunOptions = {},
): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: repoRoot,
      env: { ...process.env, ...opts.env },
      stdio: [opts.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      timeout: opts.timeoutMs ?? 600_000,
      killSignal: "SIGKILL",
      detached: opts.detached ?? false,
    });
    let stdout = "";
    let stderr = "";
    const partial = { out: "", err: "" };
    const feed = (key: "out" | "err", chunk: string): void => {
      if (opts.onLine === undefined) return;
      const lines = (partial[key] + chunk).split("\n");
      partial[key] = lines.pop() ?? "";
      for (const l of lines) opts.onLine(l, child);
    };
    child.stdout?.on("data", (d: Buffer) => {
      stdout += d.toString();
      feed("out", d.toString());
    });
    child.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
      feed("err", d.toString());
    });
    child.on("error", reject);
    child.on("close", (code, signal) =>
      resolve({
        code: code ?? 128,
        signal,
        stdout,
        stderr,
        seconds: (Date.now() - started) / 1000,
      }),
    );
    if (child.stdin) {
      // A command may exit before reading its input; that is its answer, not a test error.
      child.stdin.on("error", () => undefined);
      child.stdin.end(opts.input);
    }
  });
}

/** Runs and fails with the command's own output when it exits non-zero. */
export async function runOk(
  cmd: string,
  args: readonly string[],
  opts: RunOptions = {},
): Promise<RunResult> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

/** Polls `probe` until it returns true or `timeoutMs` passes. */
export async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs = 120_000,
  intervalMs = 2_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
