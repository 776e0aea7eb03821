// One registration as the compatibility pin keeps it: what makes its URN, the inputs a provider
// diffs, its dependencies and secret outputs, with the parts that vary by machine or by script
// edit (checkout path, temp folder, script digests) replaced by stable placeholders.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  scriptHash,
  scriptsBundleHash,
  SCRIPTS_DIR,
  type ScriptName,
} from "../../../components/remote";
import type { RegisterRequest } from "../support/pulumiMocks";
import { plain, isSecret } from "./graphMocks";

const REPO = path.resolve(__dirname, "../../..");

export interface Pinned {
  readonly urn: string;
  readonly inputs: unknown;
  readonly dependsOn: readonly string[];
  readonly additionalSecretOutputs: readonly string[];
}

type Request = RegisterRequest & { getParent(): string };

/** Replaces machine- and script-dependent text with placeholders, everywhere in a value. */
export function normalizer(dir: string): (v: unknown) => unknown {
  const swaps: [string, string][] = [
    [dir, "<dir>"],
    [REPO, "<repo>"],
    [scriptsBundleHash(), "<hash:scripts>"],
    ...fs
      .readdirSync(SCRIPTS_DIR)
      .filter((f) => f.endsWith(".sh") && f !== "lib.sh")
      .map((f): [string, string] => [scriptHash(f as ScriptName), `<hash:${f}>`]),
  ];
  return (v) => {
    let text = JSON.stringify(v);
    for (const [from, to] of swaps) text = text.split(from).join(to);
    return JSON.parse(text) as unknown;
  };
}

/** stdin is pinned by digest (it carries key material), with its secrecy. */
function pinStdin(inputs: Record<string, unknown>): Record<string, unknown> {
  if (!("stdin" in inputs)) return inputs;
  const digest = crypto
    .createHash("sha256")
    .update(String(plain(inputs.stdin)))
    .digest("hex");
  return { ...inputs, stdin: { secret: isSecret(inputs.stdin), sha256: digest } };
}

const short = (urn: string) => urn.slice(urn.indexOf("::", urn.indexOf("::") + 2) + 2);

export function pinned(req: RegisterRequest, normalize: (v: unknown) => unknown): Pinned {
  const r = req as Request;
  const parent = r.getParent() === "" ? "" : short(r.getParent());
  return normalize({
    urn: `${parent}$${r.getType()}::${r.getName()}`,
    inputs: pinStdin(r.getObject().toJavaScript()),
    dependsOn: r.getDependenciesList().map(short).sort(),
    additionalSecretOutputs: r.getAdditionalsecretoutputsList(),
  }) as Pinned;
}
