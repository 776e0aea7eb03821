// The end-to-end run's secret scan: no private key in plain text in anything the program and its
// engine wrote — the state backend (.work/pulumi-state, history and backups included), the rest
// of .work/, the engine's log files and everything the CLI printed.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "../../support/proc";
import {
  filesUnder,
  keyNeedles,
  scanText,
  scanTree,
  type Finding,
  type Needle,
} from "../../support/secretScan";

const WORK = path.join(repoRoot, ".work");
export const STATE_DIR = path.join(WORK, "pulumi-state");
const LAB = path.join(WORK, "lab");

/**
 * Not scanned, because they legitimately hold plain keys that the program did not write:
 * the lab's simulated cluster. nodes/ are the nodes' disks (a node's /etc/kubernetes/certs holds
 * its keys in plain text, as on AKS Engine's VMs, and the rotation installs the new ones there),
 * pki/ is the PKI the lab made for the cluster before any rotation (AKS Engine's apimodel holds
 * the same), ssh/ the operator's SSH key pair the lab generated.
 */
export const LAB_DISKS = ["nodes", "pki", "ssh"].map((d) => path.join(LAB, d));

/** Needles for every key of the lab's own PKI (what the rotation replaces). */
export function labKeyNeedles(): Needle[] {
  const pki = path.join(LAB, "pki");
  return fs
    .readdirSync(pki)
    .filter((f) => f.endsWith(".key"))
    .flatMap((f) => keyNeedles(fs.readFileSync(path.join(pki, f), "utf8"), `lab ${f}`));
}

/** The engine's log files written since `sinceMs` (glog's pulumi*.log.* in the temp dir). */
function engineLogs(sinceMs: number): string[] {
  const tmp = os.tmpdir();
  return fs
    .readdirSync(tmp)
    .filter((f) => f.startsWith("pulumi"))
    .map((f) => path.join(tmp, f))
    .filter((f) => {
      const st = fs.lstatSync(f, { throwIfNoEntry: false });
      return st !== undefined && st.isFile() && st.mtimeMs >= sinceMs;
    });
}

export interface ScanReport {
  readonly findings: readonly Finding[];
  /** Files scanned in the state backend: the scan must not pass by finding nothing to scan. */
  readonly stateFiles: readonly string[];
  readonly files: number;
}

export function scanRun(needles: readonly Needle[], cli: string, sinceMs: number): ScanReport {
  const logs = engineLogs(sinceMs);
  const findings = [
    ...scanTree([WORK, ...logs], { exclude: LAB_DISKS, needles }),
    ...scanText(cli, "the pulumi CLI's output", needles),
  ];
  return {
    findings,
    stateFiles: filesUnder([STATE_DIR]),
    files: filesUnder([WORK], LAB_DISKS).length + logs.length,
  };
}
