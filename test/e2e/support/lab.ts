// The lab as the end-to-end tests drive it: bring-up, inventory, SSH as the operator would, and
// root inside a node from the host (nsenter, lab/lib/nodes.sh) for what SSH cannot do, such as
// starting a node's sshd again.
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot, run, runOk, type RunResult } from "../../support/proc";

export const KEY_BITS = "2048";
export const outputDir = path.join(repoRoot, "_output", "aks-lab");
export const apiModelPath = path.join(outputDir, "apimodel.json");
export const kubeconfigPath = path.join(outputDir, "kubeconfig", "kubeconfig.local.json");
/** Where the rotation keeps the file it replaced on the operator's machine. */
export const BACKUP_SUFFIX = ".before-rotation";

export interface LabNode {
  readonly name: string;
  readonly ip: string;
  readonly role: "master" | "agent";
  readonly index: number;
}

export interface Inventory {
  readonly dnsPrefix: string;
  readonly internalLbIP: string;
  /** Where kubelets reach the API server: the internal LB, or the only master. */
  readonly apiServerIP: string;
  readonly adminUsername: string;
  readonly outputDir: string;
  readonly pkiDir: string;
  readonly nodes: readonly LabNode[];
}

/** The lab's default cluster (`npm run lab -- up` without --name). */
export const DEFAULT_CLUSTER = "aks-lab";

/** A lab cluster's state folder: .work/lab for the default one, else .work/labs/<dnsPrefix>. */
export function labStateDir(dnsPrefix: string = DEFAULT_CLUSTER): string {
  return dnsPrefix === DEFAULT_CLUSTER
    ? path.join(repoRoot, ".work", "lab")
    : path.join(repoRoot, ".work", "labs", dnsPrefix);
}

export function inventory(dnsPrefix: string = DEFAULT_CLUSTER): Inventory {
  const file = path.join(labStateDir(dnsPrefix), "nodes.json");
  return JSON.parse(fs.readFileSync(file, "utf8")) as Inventory;
}

export const masters = (): LabNode[] => inventory().nodes.filter((n) => n.role === "master");

/** A fresh lab (the tests start from a cluster nobody rotated): down, then up. */
export async function freshLab(): Promise<void> {
  await runOk("bash", ["lab/lab.sh", "down"], { timeoutMs: 300_000 });
  await runOk("bash", ["lab/lab.sh", "up", "--key-bits", KEY_BITS], { timeoutMs: 1_500_000 });
}

/** `npm run lab -- up` with these options, failing with the lab's output. */
export async function labUp(args: readonly string[]): Promise<void> {
  await runOk("bash", ["lab/lab.sh", "up", "--key-bits", KEY_BITS, ...args], {
    timeoutMs: 1_500_000,
  });
}

/** Every lab cluster of this checkout down. */
export async function labDown(): Promise<RunResult> {
  return run("bash", ["lab/lab.sh", "down"], { timeoutMs: 300_000 });
}

/** A command on a node over SSH as the admin user (lab/ssh.sh: pinned host keys). */
export function ssh(node: string, script: string, input?: string): Promise<RunResult> {
  return run("bash", ["lab/ssh.sh", node, script], { timeoutMs: 120_000, input });
}

/** A bash script run as root on a node (sudo over SSH; the script travels on stdin). */
export async function rootScript(node: string, script: string): Promise<string> {
  return sshOk(node, "sudo -n bash -s", script);
}

export async function sshOk(node: string, script: string, input?: string): Promise<string> {
  const r = await ssh(node, script, input);
  if (r.code !== 0)
    throw new Error(`ssh ${node} '${script}' exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/**
 * A node's bridge link (the host end of its veth, lab/lib/common.sh veth_name) up or down: down,
 * the node is cut off from every other node and from the operator's machine.
 */
export async function setLink(n: LabNode, state: "up" | "down"): Promise<void> {
  await runOk("ip", ["link", "set", `akslab-${n.role[0]}${n.index}`, state]);
}

/** Root inside a node from the host, bypassing SSH. */
export function nodeExec(node: string, args: readonly string[]): Promise<RunResult> {
  return run(
    "bash",
    [
      "-c",
      'source lab/lib/common.sh && source lab/lib/nodes.sh && node_exec "$@"',
      "node-exec",
      node,
      ...args,
    ],
    { timeoutMs: 120_000 },
  );
}
