// Probe A's figures per phase: attempts and raw failed attempts, requests that failed after
// every retry, and the API outage (from a failed attempt to the next success). The phase of an
// attempt is the phase of the rotation step that started last before it, from `pulumi up
// up`'s timestamped progress lines (step names are `<word>-<node>-<step>`).
//
// usage: tsx test/e2e/probe/report.ts <probe .jsonl> <timestamped pulumi up log>
import * as fs from "node:fs";
import type { Attempt } from "./probeA";

interface Mark {
  readonly t: number;
  readonly phase: string;
}

/**
 * The start of each step, in time order, as phase marks (a run of one word is one mark), from
 * `pulumi up`'s progress lines, each prefixed with the epoch seconds it was printed at
 * (session.sh): `<t> … command:remote:Command trust-<node>-leader creating …`.
 */
export function phaseMarks(upLog: string): Mark[] {
  const marks: Mark[] = [];
  const re = /^(\d+(?:\.\d+)?) .*command:(?:remote|local):Command ([a-z]+)-\S+ creating/;
  for (const line of upLog.split("\n")) {
    const m = re.exec(line);
    if (m === null || m[2] === "ssh") continue;
    const t = Number(m[1]);
    if (marks.length === 0 || marks[marks.length - 1].phase !== m[2])
      marks.push({ t, phase: m[2] });
  }
  return marks;
}

/** The phase a moment falls in: the last mark at or before it. */
function phaseOf(marks: readonly Mark[]): (t: number) => string {
  return (t) => {
    let p = "before";
    for (const m of marks) if (m.t <= t) p = m.phase;
    return p;
  };
}

/**
 * The etcd sampler's figures (etcd-sampler.sh lines "<epoch> <healthy> <of>"): samples, the
 * fewest healthy members seen, overall and per phase, and how many samples saw fewer than a
 * quorum of them.
 */
export function etcdReport(samples: string, marks: readonly Mark[]) {
  const phaseAt = phaseOf(marks);
  const lines = samples.split("\n").filter(Boolean);
  const rows = lines.map((l) => l.split(" ").slice(0, 3).map(Number));
  const members = rows.length ? rows[0][2] : 0;
  const quorum = Math.floor(members / 2) + 1;
  const byPhase: Record<string, number> = {};
  for (const [t, healthy] of rows) {
    const p = phaseAt(t);
    byPhase[p] = Math.min(byPhase[p] ?? members, healthy);
  }
  return {
    samples: rows.length,
    members,
    minHealthy: Math.min(members, ...rows.map((r) => r[1])),
    belowQuorum: rows.filter((r) => r[1] < quorum).length,
    // The raw lines of those samples: which members failed, and etcdctl's error for each.
    belowQuorumSamples: rows.flatMap(([t, healthy], i) =>
      healthy < quorum ? [`${phaseAt(t)}: ${lines[i]}`] : [],
    ),
    minHealthyByPhase: byPhase,
  };
}

/**
 * Probe B's figures (probeB.sh lines "<epoch> <request> <try> <ok|fail> <code> <pod> <endpoint>"):
 * requests and attempts per phase, failed requests (every try failed), and those after the pod
 * it follows was first replaced once the clients phase (P2) began: its "P2 restart".
 */
export function probeBReport(lines: string, marks: readonly Mark[]) {
  const phaseAt = phaseOf(marks);
  const rows = lines
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const [t, req, , result, code, pod] = l.split(" ");
      return { t: Number(t), req: Number(req), ok: result === "ok", code, pod };
    });
  const p2 = marks.find((m) => m.phase === "clients")?.t ?? Infinity;
  const firstPod = rows[0]?.pod;
  const restart = rows.find((r) => r.t >= p2 && r.pod !== firstPod)?.t ?? Infinity;
  const requests = new Map<number, typeof rows>();
  for (const r of rows) requests.set(r.req, [...(requests.get(r.req) ?? []), r]);
  const phases: Record<string, { requests: number; failedAttempts: number; failed: number }> = {};
  const errors: Record<string, number> = {};
  let failedAfterRestart = 0;
  for (const tries of requests.values()) {
    const phase = (phases[phaseAt(tries[0].t)] ??= { requests: 0, failedAttempts: 0, failed: 0 });
    phase.requests++;
    for (const a of tries.filter((a) => !a.ok)) {
      phase.failedAttempts++;
      errors[a.code] = (errors[a.code] ?? 0) + 1;
    }
    if (tries.some((a) => a.ok)) continue;
    phase.failed++;
    if (tries[0].t >= restart) failedAfterRestart++;
  }
  return {
    requests: requests.size,
    failedRequests: Object.values(phases).reduce((n, p) => n + p.failed, 0),
    restartedAt: Number.isFinite(restart) ? Math.round(restart - (rows[0]?.t ?? 0)) : null,
    failedAfterRestart,
    errors,
    phases,
  };
}

export function report(attempts: readonly Attempt[], marks: readonly Mark[]) {
  const phaseAt = phaseOf(marks);
  const rows = new Map<
    string,
    { attempts: number; failed: number; failedRequests: number; errors: Record<string, number> }
  >();
  const byReq = new Map<number, Attempt[]>();
  for (const a of attempts) byReq.set(a.req, [...(byReq.get(a.req) ?? []), a]);
  for (const a of attempts) {
    const row = rows.get(phaseAt(a.t)) ?? { attempts: 0, failed: 0, failedRequests: 0, errors: {} };
    row.attempts++;
    if (!a.ok) {
      row.failed++;
      const why = a.err ?? `HTTP ${a.status}`;
      row.errors[why] = (row.errors[why] ?? 0) + 1;
    }
    rows.set(phaseAt(a.t), row);
  }
  for (const [, as] of byReq) {
    if (as.some((a) => a.ok)) continue;
    const row = rows.get(phaseAt(as[0].t))!;
    row.failedRequests++;
  }
  // Outage: from a failed attempt to the next successful one, summed.
  const sorted = [...attempts].sort((a, b) => a.t - b.t);
  let outage = 0;
  let since: number | undefined;
  for (const a of sorted) {
    if (!a.ok && since === undefined) since = a.t;
    if (a.ok && since !== undefined) {
      outage += a.t - since;
      since = undefined;
    }
  }
  const requests = byReq.size;
  const failedRequests = [...rows.values()].reduce((s, r) => s + r.failedRequests, 0);
  const span = sorted.length ? sorted[sorted.length - 1].t - sorted[0].t : 0;
  return {
    requests,
    failedRequests,
    outageSeconds: Math.round(outage * 10) / 10,
    seconds: Math.round(span),
    phases: Object.fromEntries(rows),
  };
}

if (require.main === module) {
  const [probe, events] = process.argv.slice(2);
  const attempts = fs
    .readFileSync(probe, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Attempt);
  console.log(
    JSON.stringify(report(attempts, phaseMarks(fs.readFileSync(events, "utf8"))), null, 1),
  );
}
