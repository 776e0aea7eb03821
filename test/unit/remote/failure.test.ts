// A failed step's own lines, read from a command plugin's error (components/remote/failure.ts).
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { failedCommandLines } from "../../../components/remote";

/** Upstream's error text for a failed command, as the conformance data cites it. */
function upstreamErrorFact(): string {
  const file = path.resolve(__dirname, "../../../tools/pulumi/go/testdata/upstream-facts.json");
  const facts = JSON.parse(fs.readFileSync(file, "utf8")) as {
    facts: { id: string; data: { error?: string } }[];
  };
  return facts.facts.find((f) => f.id === "error/remote-local")!.data.error!;
}

describe("a failed step's own lines", () => {
  it("reads them from upstream pulumi-command's error text (the conformance fact)", () => {
    assert.deepEqual(failedCommandLines(upstreamErrorFact()), ["out", "err"]);
  });

  it("drops the command line, however long: a preflight's problems alone", () => {
    const paths = Array.from({ length: 17 }, (_, i) => `/etc/kubernetes/certs/f${i}.crt`);
    const error =
      `Process exited with status 1: running "sudo -n bash /home/azureuser/.aks-rotate-certs/remote/preflight.sh --reboot k8s-master-12345678-2 master ${paths.join(" ")}":\n` +
      "preflight: k8s-master-12345678-2: etcd is not healthy: context deadline exceeded\n" +
      "preflight: k8s-master-12345678-2: hostname is 'x', expected 'k8s-master-12345678-2' (wrong address for this node?)\n";
    assert.deepEqual(failedCommandLines(error), [
      "preflight: k8s-master-12345678-2: etcd is not healthy: context deadline exceeded",
      "preflight: k8s-master-12345678-2: hostname is 'x', expected 'k8s-master-12345678-2' (wrong address for this node?)",
    ]);
  });

  it("reads a local command's error, with quotes escaped in the command", () => {
    const error = `exit status 1: running "bash \\"/a b/ssh-probe.sh\\"":\nconfig jumpHost: x is unreachable\n`;
    assert.deepEqual(failedCommandLines(error), ["config jumpHost: x is unreachable"]);
  });

  it("keeps the last 20 lines of a long output", () => {
    const out = Array.from({ length: 30 }, (_, i) => `line ${i}`).join("\n");
    const lines = failedCommandLines(`exit status 2: running "x":\n${out}\n`);
    assert.equal(lines?.length, 20);
    assert.equal(lines?.[19], "line 29");
  });

  it("has nothing for an error that is not a failed command's, or a silent one", () => {
    assert.equal(
      failedCommandLines("proxy: after 10 failed attempts: ssh: handshake failed"),
      undefined,
    );
    assert.equal(failedCommandLines('exit status 1: running "false":\n'), undefined);
  });
});
