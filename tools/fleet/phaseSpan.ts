// The phases a preview's changes go through, for the fleet's summary line: where each cluster
// stands and what comes next. A staged rotation's phases carry their P1–P4 labels (docs/staged.md),
// so a cluster resumed after P2 reads "leaves (P3) → record". Pure.
import { STAGED_PHASES } from "../../components/rotation/stagedPlan";
import type { StepSeen } from "./events";
import { phaseOf } from "./progress";

const label = (phase: string): string => {
  const i = (STAGED_PHASES as readonly string[]).indexOf(phase);
  return i < 0 ? phase : `${phase} (P${i + 1})`;
};

/** Words of steps that are no phase of the nodes: the certificates, the SSH probe before all. */
const NOT_PHASES = new Set(["keys", "ssh"]);

/**
 * "preflight → cleanup", from the first phase with a change to the last, in the order the engine
 * walks the steps (the order the program registers its phases); "" when no step changes.
 */
export function phaseSpan(steps: readonly StepSeen[]): string {
  const phases = steps
    .filter((s) => s.op !== "same")
    .map((s) => phaseOf(s.urn))
    .filter((p): p is string => p !== undefined && !NOT_PHASES.has(p));
  if (phases.length === 0) return "";
  const first = phases[0];
  const last = phases[phases.length - 1];
  return first === last ? label(first) : `${label(first)} → ${label(last)}`;
}
