// One lab bring-up shared by every test file of the lab layer (3 masters + 2 agents, 2048-bit
// keys to keep it quick). The first file that needs the lab starts it from scratch (cluster.test.ts
// sorts first, so later files find it up); hooks.ts takes it down after the last test. A file
// that takes the lab down itself calls labWasTakenDown(). The bring-up is the full `lab up`,
// control plane included; LAB_SKIP_CONTROL_PLANE=1 in the environment limits it to this part.
import * as fs from "node:fs";
import * as path from "node:path";
import { lab, repoRoot } from "./run";

export const stateDir = path.join(repoRoot, ".work", "lab");
export const inventoryPath = path.join(stateDir, "nodes.json");

export interface LabNode {
  readonly name: string;
  readonly ip: string;
  readonly role: "master" | "agent";
  readonly index: number;
  readonly dir: string;
  readonly pid: number;
}

export interface Inventory {
  readonly dnsPrefix: string;
  readonly location: string;
  readonly fqdn: string;
  readonly nameSuffix: string;
  readonly masterCount: number;
  readonly agentCount: number;
  readonly internalLbIP: string;
  readonly apiServerIP: string;
  readonly adminUsername: string;
  readonly stateDir: string;
  readonly pkiDir: string;
  readonly outputDir: string;
  readonly sshKey: string;
  readonly knownHosts: string;
  readonly nodes: readonly LabNode[];
}

export const labShape = { masters: 3, agents: 2, keyBits: 2048 } as const;

let up: Promise<Inventory> | undefined;

/** The shared lab, brought up once (from scratch: any earlier lab is taken down first). */
export function ensureLab(): Promise<Inventory> {
  up ??= (async () => {
    await lab(["down"]);
    const r = await lab(
      [
        "up",
        "--masters",
        String(labShape.masters),
        "--agents",
        String(labShape.agents),
        "--key-bits",
        String(labShape.keyBits),
      ],
      { timeoutMs: 1_500_000 },
    );
    if (r.code !== 0) {
      up = undefined;
      throw new Error(`lab up failed (${r.code}):\n${r.stderr}`);
    }
    return readInventory();
  })();
  return up;
}

export function readInventory(): Inventory {
  return JSON.parse(fs.readFileSync(inventoryPath, "utf8")) as Inventory;
}

export function labWasTakenDown(): void {
  up = undefined;
}

export function labIsShared(): boolean {
  return up !== undefined;
}
