// The faults the e2e's second rotation meets, one per phase of a rotation, in the order the phases
// run: a full disk at staging, the internal load balancer gone during the control plane's
// restarts, an agent cut off in the kubelet phase, the CLI killed while the service-account
// tokens are re-issued, and the operator's folder read-only when apimodel.json is persisted.
// Each run of upWithFaults injects those whose step it reaches; the stack must converge anyway.
import type { Fault, FaultReport } from "./faults";
import { cliKilled, ilbDown, linkCut, outputReadOnly, stagingDiskFull } from "./faults";
import { outputDir, type LabNode } from "./lab";

/** Where stage.sh puts the new files on a node (scripts/remote/lib.sh STAGING_DIR). */
const STAGING_DIR = "/etc/kubernetes/rotate-certs/certs";

export function faultsOfSecondRotation(
  nodes: readonly LabNode[],
  persisted: () => Record<string, string>,
): Fault[] {
  const agents = nodes.filter((n) => n.role === "agent");
  const [agent0, agentLast] = [agents[0], agents[agents.length - 1]];
  return [
    stagingDiskFull(
      agentLast.name,
      STAGING_DIR,
      new RegExp(
        `stage: error: ${agentLast.name}: ${STAGING_DIR} has \\d+ bytes free, staging needs \\d+: free at least \\d+ bytes under /etc/kubernetes on ${agentLast.name} and run pulumi up again`,
      ),
    ),
    ilbDown(/controlplane-\S+-restart creating/, "the first control-plane restart", 45_000),
    linkCut(
      agent0,
      new RegExp(`kubelet-${agent0.name}-install created`),
      `after ${agent0.name}'s kubelet files were installed, before its kubelet restart`,
      40_000,
    ),
    cliKilled(/serviceaccounts-\S+-tokens creating/, "the service-account token re-issue"),
    outputReadOnly(
      outputDir,
      /verify-\S+-cluster creating/,
      "the cluster check before apimodel.json is persisted",
      persisted,
    ),
  ];
}

/** The closing note's table: fault, where, in which run, how that run ended, time to converge. */
export function faultTable(reports: readonly FaultReport[]): string {
  const rows = reports.map(
    (r) =>
      `| ${r.fault} | ${r.where} | run ${r.run} at ${r.injectedAt}s | ${r.runEnded} | ${r.convergedAfter}s |`,
  );
  return [
    "| fault | injected at | when | that run | converged after |",
    "|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}
