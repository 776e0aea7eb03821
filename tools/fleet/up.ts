// `fleet up --rotation-id X [stacks…] [--concurrency K] [--stop-on-failure]`: sets the rotation
// id and runs `pulumi up` in waves of K stacks; a failed cluster is reported with its failing step
// and log, the others go on (unless --stop-on-failure). Ctrl-C interrupts the running updates the
// way the CLI's own Ctrl-C does (SIGINT: the engine stops and releases the stack's lock), starts
// no new wave, then clears any lock left behind (workspace cancel).
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import type { FleetArgs } from "./args";
import { failingStep, type DiagSeen } from "./events";
import { waves } from "./pool";
import { progressDisplay, type ProgressDisplay } from "./progressDisplay";
import { errorLine } from "./stackFacts";
import { outcomeLines, upSummary, type UpOutcome } from "./upReport";
import { selectStacks, workspace } from "./workspace";

async function upOne(
  stack: Stack,
  rotationId: string,
  signal: AbortSignal,
  progress: ProgressDisplay,
): Promise<UpOutcome> {
  const diags: DiagSeen[] = [];
  const onEvent = (e: EngineEvent): void => {
    const d = e.diagnosticEvent;
    if (d !== undefined) diags.push({ urn: d.urn, severity: d.severity, message: d.message });
    const step = e.resourcePreEvent?.metadata;
    if (step !== undefined && step.op !== "same") progress.started(stack.name, step.urn);
  };
  try {
    await stack.setAllConfig({ rotationId: { value: rotationId, secret: false } });
    const r = await stack.up({ onEvent, signal });
    const changed = Object.entries(r.summary.resourceChanges ?? {})
      .filter(([op]) => op !== "same")
      .reduce((a, [, n]) => a + (n ?? 0), 0);
    return { stack: stack.name, result: "rotated", changed };
  } catch (err) {
    if (signal.aborted) return { stack: stack.name, result: "interrupted" };
    const failed = failingStep(diags) ?? { step: "pulumi up", log: [errorLine(err)] };
    return { stack: stack.name, result: "failed", ...failed };
  }
}

/** After an interruption: a lock the interrupted CLI left is removed; none left is fine. */
async function clearLock(stack: Stack): Promise<void> {
  await stack.cancel().catch(() => undefined);
}

export async function runUp(args: FleetArgs): Promise<number> {
  const stacks = await selectStacks(await workspace(), args.positional);
  if (typeof stacks === "string") {
    console.error(stacks);
    return 1;
  }
  const rotationId = args.rotationId ?? "";
  const abort = new AbortController();
  // Every SIGINT after the first is ignored: a terminal's Ctrl-C reaches this process both
  // directly and through tsx, and the updates must be let to stop on their own.
  process.on("SIGINT", () => {
    if (abort.signal.aborted) return;
    console.error("fleet up: interrupted; stopping the running updates (their locks are released)");
    abort.abort();
  });
  const outcomes: UpOutcome[] = [];
  const progress = progressDisplay(stacks.map((s) => s.name));
  for (const wave of waves(stacks, args.concurrency)) {
    const stop = abort.signal.aborted
      ? "interrupted"
      : args.stopOnFailure && outcomes.some((o) => o.result === "failed")
        ? "--stop-on-failure after a failure"
        : undefined;
    const done = stop
      ? wave.map((s): UpOutcome => ({ stack: s.name, result: "skipped", why: stop }))
      : await Promise.all(wave.map((s) => upOne(s, rotationId, abort.signal, progress)));
    for (const o of done) {
      progress.finished(o.stack, o.result);
      for (const l of outcomeLines(o, rotationId)) progress.result(l);
    }
    outcomes.push(...done);
  }
  progress.stop();
  if (abort.signal.aborted) await Promise.all(stacks.map(clearLock));
  const summary = upSummary(outcomes);
  console.log(summary.line);
  return summary.code;
}
