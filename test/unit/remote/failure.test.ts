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

  it("shows an expired-certificate line first and whole, its quotes included", () => {
    const expired =
      "preflight: k8s-master-12345678-1: /etc/kubernetes/certs/apiserver.crt expired on Jan  1 " +
      "00:00:00 2020 GMT (this node's clock: Dec  1 16:40:00 2026 GMT): the rotation starts only " +
      "on a cluster that works with its current certificates; if the clock is right, renew the " +
      "expired certificates by hand with the cluster's CA, each keeping its key (docs/rotation.md, " +
      '"Expired certificates"), then run pulumi up again';
    const error = `Process exited with status 1: running "sudo -n bash \\"p r/preflight.sh\\" k8s-master-12345678-1 master":\n${expired}\n`;
    assert.deepEqual(failedCommandLines(error), [expired]);
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
