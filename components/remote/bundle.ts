// The stage.sh bundle for one node: one line per file, `<path> <mode> <owner>:<group> <sha256>
// <base64 content>`. Key material travels only in this text, which goes to the node on stdin and
// stays a secret Output. Pure helpers plus the Output plumbing.
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";

/** One file to place on a node (the shape of the PKI's NodeFile, plus the kubeconfig). */
export interface StagedFile {
  readonly node: string;
  readonly path: string;
  readonly mode: string;
  readonly owner: string;
  readonly group: string;
}

export function sha256Hex(content: string): string {
  return crypto.createHash("sha256").update(content).digest("hex");
}

export function bundleLine(file: StagedFile, content: string): string {
  const b64 = Buffer.from(content, "utf8").toString("base64");
  return `${file.path} ${file.mode} ${file.owner}:${file.group} ${sha256Hex(content)} ${b64}`;
}

export interface NodeBundle {
  /** The stage.sh stdin: secret. */
  readonly text: pulumi.Output<string>;
  /**
   * path → sha256 of the content. Not secret: a SHA-256 of a PEM reveals nothing of the key, and
   * keeping it plain keeps the plan (triggers, command lines) readable.
   */
  readonly sha256: pulumi.Output<Record<string, string>>;
}

export function nodeBundle(
  files: readonly StagedFile[],
  content: (file: StagedFile) => pulumi.Input<string>,
): NodeBundle {
  const contents = pulumi.all(files.map((f) => content(f)));
  return {
    text: pulumi.secret(
      contents.apply((cs) => cs.map((c, i) => bundleLine(files[i], c)).join("\n") + "\n"),
    ),
    sha256: pulumi.unsecret(
      contents.apply((cs) => Object.fromEntries(cs.map((c, i) => [files[i].path, sha256Hex(c)]))),
    ),
  };
}

/** The digests of a subset of paths, in the order given: a step's trigger. */
export function digestsOf(
  sha: pulumi.Output<Record<string, string>>,
  paths: readonly string[],
): pulumi.Output<string[]> {
  return sha.apply((m) =>
    paths.map((p) => {
      const d = m[p];
      if (d === undefined) throw new Error(`no staged file ${p}`);
      return `${p}=${d}`;
    }),
  );
}
