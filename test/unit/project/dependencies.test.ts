import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../../..");

/** The text of index.ts and every .ts file under components/. */
function programSources(): string {
  const files = fs
    .readdirSync(path.join(ROOT, "components"), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => path.join(ROOT, "components", f));
  return [path.join(ROOT, "index.ts"), ...files].map((f) => fs.readFileSync(f, "utf8")).join("\n");
}

describe("package.json", () => {
  // The Pulumi CLI fetches the plugin of every provider SDK installed, used or not (hundreds of
  // MB for azure-native), and offline it fails without one: only SDKs the program uses belong here.
  it("depends on no Pulumi provider SDK the program does not import", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    const sources = programSources();
    const unused = Object.keys(pkg.dependencies)
      .filter((d) => d.startsWith("@pulumi/") && d !== "@pulumi/pulumi")
      .filter((d) => !sources.includes(`from "${d}"`));
    assert.deepEqual(unused, []);
  });
});
