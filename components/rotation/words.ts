// A plan's words (planTypes.ts) as the values Pulumi sends: digests from the nodes' bundles,
// tokens over them, script hashes, what earlier steps printed or are, and the CAs the gate accepts.
import * as pulumi from "@pulumi/pulumi";
import {
  digestsOf,
  scriptHash,
  sha256Hex,
  stdoutValue,
  type Cmd,
  type NodeBundle,
} from "../remote";
import { acceptedCas } from "./caCheck";
import { tokenOf } from "./phases";
import type { LocalFile, Word } from "./planTypes";

export interface WordSources {
  /** The node's bundle of new files (its digests). */
  bundle(node: string): NodeBundle;
  /** A step registered before (the plan only refers to earlier steps). */
  step(id: string): Cmd;
  /** The new content of an operator's file. */
  localContent(file: LocalFile): pulumi.Output<string>;
  /** The SHA-256 of the new CA certificate's DER, lowercase hex (not secret). */
  newCaSha256(): pulumi.Output<string>;
}

export function resolveWord(word: Word, src: WordSources): pulumi.Input<unknown> {
  if (typeof word === "string") return word;
  if ("digests" in word) return digestsOf(src.bundle(word.digests.node).sha256, word.digests.paths);
  if ("all" in word) return pulumi.all(word.all.map((w) => resolveWord(w, src)));
  if ("token" in word) {
    const parts = pulumi.all(word.token.map((w) => resolveWord(w, src)));
    return parts.apply((ds) => tokenOf((ds as (string | string[])[]).flat(), sha256Hex));
  }
  if ("scriptHash" in word) return scriptHash(word.scriptHash);
  if ("idOf" in word) return src.step(word.idOf).id;
  if ("stdoutOf" in word) {
    const cmd = src.step(word.stdoutOf);
    if (!("stdout" in cmd)) throw new Error(`plan: ${word.stdoutOf} prints nothing to read`);
    const value = stdoutValue(cmd, word.key);
    return word.unsecret === true ? pulumi.unsecret(value) : value;
  }
  if ("acceptedCas" in word) {
    const operator = word.acceptedCas;
    return src.newCaSha256().apply((ca) => acceptedCas(operator, ca));
  }
  return src.localContent(word.contentDigest).apply(sha256Hex);
}

/** A word that stands in a command line: text once resolved. */
export const resolveText = (word: Word, src: WordSources) =>
  resolveWord(word, src) as pulumi.Input<string>;
