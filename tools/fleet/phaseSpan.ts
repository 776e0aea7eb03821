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
 * The words of the program's steps in the order of its phase lists (components/rotation): the
 * engine reports steps that wait for the same step (the clean-up and the apimodel's persistence
 * after the verification) in whatever order their registrations arrive, so the span is ranked by
 * this table, not by the order of the events.
 */
const ORDER = [
  ...["preflight", "stage", ...STAGED_PHASES, "etcd", "frontproxy", "controlplane", "kubelet"],
  ...["kubeproxy", "kubeconfig", "reboot", "serviceaccounts", "verify", "persist", "cleanup"],
  ...["finalize", "rollback", "record"],
];

/**
 * "preflight → cleanup", from the first phase with a change to the last, ranked by ORDER (a word
 * it does not know keeps the engine's order, the order the program registers its phases); ""
 * when no step changes.
 */
export function phaseSpan(steps: readonly StepSeen[]): string {
  const seen = steps
    .filter((s) => s.op !== "same")
    .map((s) => phaseOf(s.urn))
    .filter((p): p is string => p !== undefined && !NOT_PHASES.has(p));
  if (seen.length === 0) return "";
  const phases = seen.every((p) => ORDER.includes(p))
    ? [...seen].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b))
    : seen;
  const first = phases[0];
  const last = phases[phases.length - 1];
  return first === last ? label(first) : `${label(first)} → ${label(last)}`;
}
