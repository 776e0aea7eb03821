// Fault points for the end-to-end rotation: what breaks (a node's disk, its network link, the
// internal load balancer, the CLI, the operator's _output/ folder), where in a `pulumi up` it
// breaks (the first output line matching a step), and how it heals. `upWithFaults` runs
// `pulumi up` again and again, each run arming the faults not yet injected, until a run succeeds
// with every fault behind it, and reports per fault where it hit and how long the stack took to
// converge from there.
import type { ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import { killTree, repoRoot, run, runOk, type RunResult } from "../../support/proc";
import { nodeExec, setLink, type LabNode } from "./lab";
import { pulumi, STACK, up } from "./pulumi";

export interface Fault {
  readonly name: string;
  /** Where it is injected, in words (the closing table's "where"). */
  readonly where: string;
  /** The output line that injects it; `undefined`: before the run starts. */
  readonly at?: RegExp;
  inject(child?: ChildProcess): Promise<void>;
  /** Heals the fault; called after `healAfterMs`, else once the run ends. */
  heal(): Promise<void>;
  readonly healAfterMs?: number;
  /** After the run it hit ended, before healing: problems found (empty: none). */
  check?(r: RunResult): Promise<string[]>;
}

export interface FaultReport {
  readonly fault: string;
  readonly where: string;
  readonly run: number;
  /** Seconds into that run. */
  readonly injectedAt: number;
  /** How that run ended: `exit 0`, `exit 255`, `SIGKILL`. */
  readonly runEnded: string;
  /** Seconds from the injection to the end of the run that converged. */
  convergedAfter: number;
}

interface Armed {
  readonly fault: Fault;
  injectedAt?: number;
  injection?: Promise<void>;
  healing?: Promise<void>;
}

/** Heals a fault once; later calls wait for the same healing. */
function heal(a: Armed): Promise<void> {
  a.healing ??= a.fault.heal();
  return a.healing;
}

function inject(a: Armed, child: ChildProcess, t0: number): void {
  a.injectedAt = (Date.now() - t0) / 1000;
  a.injection = a.fault.inject(child).then(async () => {
    if (a.fault.healAfterMs === undefined) return;
    await new Promise((resolve) => setTimeout(resolve, a.fault.healAfterMs));
    await heal(a);
  });
}

/** One `pulumi up` with the faults not yet injected armed; returns those it injected. */
async function faultedRun(pending: Armed[]): Promise<{ r: RunResult; hit: Armed[]; t0: number }> {
  const t0 = Date.now();
  const hit: Armed[] = [];
  const early = pending.filter((a) => a.fault.at === undefined);
  for (const a of early) {
    a.injectedAt = 0;
    await a.fault.inject();
    a.injection = Promise.resolve();
    hit.push(a);
  }
  const r = await up([], {
    detached: true,
    onLine: (line, child) => {
      for (const a of pending) {
        if (a.injectedAt !== undefined || !a.fault.at?.test(line)) continue;
        inject(a, child, t0);
        hit.push(a);
      }
    },
  });
  return { r, hit, t0 };
}

const ended = (r: RunResult) => (r.signal ? r.signal : `exit ${r.code}`);

/**
 * Runs `pulumi up` until a run succeeds after every fault was injected (at most `maxRuns`).
 * A run killed by a fault leaves the stack locked: `pulumi cancel` unlocks it, as the locked
 * rerun's message tells the operator.
 */
export async function upWithFaults(
  faults: readonly Fault[],
  maxRuns = 8,
): Promise<{ reports: FaultReport[]; problems: string[]; last: RunResult }> {
  const armed: Armed[] = faults.map((fault) => ({ fault }));
  const reports: FaultReport[] = [];
  const problems: string[] = [];
  for (let n = 1; n <= maxRuns; n++) {
    const pending = armed.filter((a) => a.injectedAt === undefined);
    const { r, hit, t0 } = await faultedRun(pending);
    for (const a of hit) {
      await a.injection;
      problems.push(...((await a.fault.check?.(r)) ?? []).map((p) => `${a.fault.name}: ${p}`));
      await heal(a);
      reports.push({
        fault: a.fault.name,
        where: a.fault.where,
        run: n,
        injectedAt: Math.round(a.injectedAt!),
        runEnded: ended(r),
        convergedAfter: -(t0 / 1000 + a.injectedAt!),
      });
    }
    // Unlocks the stack a killed CLI left locked (an error when it is not locked: ignored).
    if (r.signal) await pulumi(["cancel", "--yes", "--non-interactive", "--stack", STACK]);
    if (r.code !== 0) continue;
    const left = armed.filter((a) => a.injectedAt === undefined);
    if (left.length > 0)
      problems.push(`run ${n} succeeded before ${left.map((a) => a.fault.name).join(", ")} hit`);
    const end = Date.now() / 1000;
    for (const rep of reports) rep.convergedAfter = Math.round(end + rep.convergedAfter);
    return { reports, problems, last: r };
  }
  problems.push(`no convergence in ${maxRuns} runs`);
  return { reports, problems, last: { code: 1 } as RunResult };
}

// --- The faults the e2e injects ---------------------------------------------------------------

const sh = (script: string) => runOk("bash", ["-c", script], { timeoutMs: 120_000 });

async function nodeSh(node: string, script: string): Promise<string> {
  const r = await nodeExec(node, ["bash", "-c", script]);
  if (r.code !== 0) throw new Error(`${node}: ${script}: exit ${r.code}\n${r.stderr}`);
  return r.stdout;
}

/** The node's bridge link down for `ms`, from the first line matching `at`. */
export function linkCut(n: LabNode, at: RegExp, where: string, ms: number): Fault {
  return {
    name: `${n.name} unreachable (link cut ${ms / 1000}s)`,
    where,
    at,
    healAfterMs: ms,
    inject: () => setLink(n, "down"),
    heal: () => setLink(n, "up"),
  };
}

/** The internal load balancer stopped for `ms`, from the first line matching `at`. */
export function ilbDown(at: RegExp, where: string, ms: number): Fault {
  const ilb = `${repoRoot}/lab/control-plane/ilb.sh`;
  return {
    name: `internal load balancer down ${ms / 1000}s`,
    where,
    at,
    healAfterMs: ms,
    inject: async () => void (await sh(`${ilb} stop`)),
    heal: async () =>
      void (await sh(`${ilb} start "$(${repoRoot}/tools/kubernetes/build.sh)" >/dev/null`)),
  };
}

/** SIGKILL to the CLI and everything it started, at the first line matching `at`. */
export function cliKilled(at: RegExp, where: string): Fault {
  return {
    name: "CLI killed (SIGKILL)",
    where,
    at,
    inject: async (child) => killTree(child!, "SIGKILL"),
    heal: async () => undefined,
  };
}

/**
 * A full filesystem (a 64 KiB tmpfs, filled) where `node` stages the new files, from before the
 * run until it ends. `mustSay`: the stage step's message the run must print.
 */
export function stagingDiskFull(node: string, dir: string, mustSay: RegExp): Fault {
  return {
    name: `${node}: disk full under ${dir}`,
    where: "staging (before the run)",
    inject: async () =>
      void (await nodeSh(
        node,
        `mkdir -p ${dir} && mount -t tmpfs -o size=64k aks-e2e-full ${dir} &&
         { cat /dev/zero >${dir}/.filler 2>/dev/null || true; }`,
      )),
    heal: async () => void (await nodeSh(node, `umount ${dir}`)),
    check: async (r) => {
      const problems: string[] = [];
      if (r.code === 0) problems.push("the run succeeded on a full disk");
      if (!mustSay.test(`${r.stdout}\n${r.stderr}`)) problems.push(`no line matching ${mustSay}`);
      const left = await nodeSh(node, `find ${dir} -mindepth 1 ! -name .filler`);
      if (left.trim() !== "") problems.push(`half-written under ${dir}: ${left.trim()}`);
      return problems;
    },
  };
}

/**
 * The operator's cluster folder read-only (a read-only bind mount over it) from the first line
 * matching `at` until the run ends. `files`: what must be byte-identical afterwards to what
 * `expected()` gives (the files the failed persist must not have half-written).
 */
export function outputReadOnly(
  dir: string,
  at: RegExp,
  where: string,
  expected: () => Record<string, string>,
): Fault {
  return {
    name: `${dir.replace(`${repoRoot}/`, "")} read-only`,
    where,
    at,
    inject: async () =>
      void (await sh(`mount --bind '${dir}' '${dir}' && mount -o remount,bind,ro '${dir}'`)),
    heal: async () => void (await sh(`umount '${dir}'`)),
    check: async (r) => {
      const problems: string[] = [];
      if (r.code === 0) problems.push("the run succeeded with its folder read-only");
      if (!`${r.stdout}\n${r.stderr}`.includes(`write-file: cannot write in ${dir}`))
        problems.push("the run does not say which folder it cannot write");
      for (const [file, content] of Object.entries(expected())) {
        if (fs.readFileSync(file, "utf8") !== content) problems.push(`${file} changed`);
      }
      const temps = (await run("bash", ["-c", `find '${dir}' -name '.*.??????'`])).stdout.trim();
      if (temps !== "") problems.push(`temporary files left: ${temps}`);
      return problems;
    },
  };
}
