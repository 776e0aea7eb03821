// The rotation as data: phases of steps, each step naming its node, what it runs, what it waits
// for and what re-runs it. No Pulumi resource and no I/O: realize.ts turns a plan into commands.
import type { RotateConfig } from "../config";
import type { ScriptName } from "../remote";
import type { NodeRole } from "../types";
import { bundleKubeconfigPath } from "./bundleKubeconfig";
import type { OperatorCas } from "./caCheck";
import type { InstallPhase } from "./phases";

/**
 * The operator's files the rotation rewrites (and the rollback restores); `bundleKubeconfig`, the
 * staged mode's hand-out, is written once and removed (finalize, rollback), never restored.
 */
export type LocalFile = "kubeconfig" | "apimodel" | "bundleKubeconfig";

/** Where the operator's files are: `_output/<dnsPrefix>/apimodel.json` and its kubeconfig. */
export interface LocalPaths {
  readonly apiModel: string;
  readonly kubeconfig: string;
}

export function localPath(paths: LocalPaths, file: LocalFile): string {
  switch (file) {
    case "apimodel":
      return paths.apiModel;
    case "kubeconfig":
      return paths.kubeconfig;
    case "bundleKubeconfig":
      return bundleKubeconfigPath(paths.kubeconfig);
  }
}

/**
 * A word of a command line or a trigger. Plain text is known now; the others exist only once the
 * PKI or an earlier step does, and are resolved by the wiring (words.ts).
 */
export type Word =
  | string
  /** `<path>=<sha256>` of each of these files of the node's bundle, in this order. */
  | { readonly digests: { readonly node: string; readonly paths: readonly string[] } }
  /** The words' values as one list (a trigger that guards several things at once). */
  | { readonly all: readonly Word[] }
  /** A short label of the digests the words resolve to (tokenOf): annotations, reboot tokens. */
  | { readonly token: readonly Word[] }
  /** The hash of a node-side script: a step that reads what it writes re-runs when it changes. */
  | { readonly scriptHash: ScriptName }
  /** The id of an earlier step: changes whenever that step ran again. */
  | { readonly idOf: string }
  /** A `key=value` line an earlier step printed. */
  | { readonly stdoutOf: string; readonly key: string; readonly unsecret?: boolean }
  /** The SHA-256 of a local file's new content. */
  | { readonly contentDigest: LocalFile }
  /** The CAs a node's ca.crt may hold at the gate: these and the new CA (caCheck.ts acceptedCas). */
  | { readonly acceptedCas: OperatorCas };

/** What a step runs. */
export type Run =
  /** A delivered script on the node, as root; `stdin: "bundle"` sends the node's new files. */
  | {
      readonly kind: "script";
      readonly script: ScriptName;
      readonly args: readonly Word[];
      readonly stdin?: "bundle";
    }
  /** scripts/remote copied to the node. */
  | { readonly kind: "deliver" }
  /** From the operator's machine: wait until the node answers from a new boot (wait-boot.sh). */
  | { readonly kind: "bootWait"; readonly token: Word; readonly timeoutSeconds: number }
  /** An operator's file rewritten with its new content, its first original kept. */
  | {
      readonly kind: "writeLocal";
      readonly file: LocalFile;
      /** Recorded with the copy it keeps: only this rotation's rollback puts that copy back. */
      readonly rotationId: string;
    }
  /** An operator's file put back from the copy writeLocal kept. */
  | { readonly kind: "restoreLocal"; readonly file: LocalFile; readonly rotationId: string }
  /** The copy writeLocal kept, removed (finalize). */
  | { readonly kind: "removeLocalBackup"; readonly file: LocalFile }
  /** An operator's file removed, with any copy writeLocal kept of it (the bundle kubeconfig). */
  | { readonly kind: "removeLocal"; readonly file: LocalFile };

export interface PlanStep {
  /** The resource name: `<phase>-<node>-<step>`, stable across versions (stack compatibility). */
  readonly id: string;
  /** The node it runs on (for a script, copy or boot wait), or "local" for the operator's machine. */
  readonly node: string;
  readonly run: Run;
  /** Steps that must be done first (ids of earlier steps). */
  readonly waitsFor: readonly string[];
  /** What re-runs the step when it changes (besides its script's own hash, always added). */
  readonly triggers: readonly Word[];
  /** A bound on the step's own run (customTimeouts). */
  readonly timeoutSeconds?: number;
  /** Dial attempts before the step fails: more for a node that may still be rebooting. */
  readonly dialErrorLimit?: number;
}

export interface Phase {
  readonly name: string;
  readonly steps: readonly PlanStep[];
}

/** A node as the plan sees it: its files, each with the phase that installs it. */
export interface PlanNode {
  readonly name: string;
  readonly role: NodeRole;
  readonly files: readonly { readonly path: string; readonly phase: InstallPhase }[];
}

export interface PlanInput {
  /** Masters in index order: master-0 first. */
  readonly masters: readonly PlanNode[];
  readonly agents: readonly PlanNode[];
  readonly rollout: RotateConfig["rollout"];
  readonly rotationId: string;
  readonly user: string;
  /**
   * The CA fingerprints of the operator's apimodel.json (and of its `….before-rotation` copy) the
   * gate checks every node's ca.crt against.
   * @default - no CA check: apimodel.json has no certificateProfile.caCertificate
   */
  readonly operatorCas?: OperatorCas;
}

/** rotate: the cut-over; finalize: rotate, then the backups removed; rollback: restore them. */
export type PlanMode = "rotate" | "finalize" | "rollback";
