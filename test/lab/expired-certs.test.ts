// The pre-flight's expired-certificate line (lib.sh expired_certs_problem), run for real with
// bash and openssl on certificates made in a temp dir: no lab, no root, no namespace. The whole
// preflight.sh on a sandboxed master is in scripts-files.test.ts.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SCRIPTS_DIR } from "./scripts-sandbox";
import { EXPIRED_ON, expiredCertScript } from "../support/expiredCert";

const DOC = '(docs/rotation.md, "Expired certificates"), then run pulumi up again';
const CLOCK = /\(this node's clock: [A-Z][a-z]{2} [ 1-3]\d \d\d:\d\d:\d\d \d{4} GMT\)/;

function bash(script: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync("bash", ["-c", script], { encoding: "utf8", timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
function must(script: string): string {
  const r = bash(script);
  assert.strictEqual(r.code, 0, r.stderr);
  return r.stdout;
}

describe("lib.sh expired_certs_problem: one line for a node's expired certificates", function () {
  this.timeout(60_000);
  let dir = "";
  /** The function's output for the given files of `dir`, with the node's clock taken out. */
  const problem = (...files: string[]) => {
    const out = must(
      `source ${SCRIPTS_DIR}/lib.sh; expired_certs_problem ${files.map((f) => `${dir}/${f}`).join(" ")}`,
    );
    assert.match(out, out === "" ? /^$/ : CLOCK);
    return out.replace(CLOCK, "(clock)");
  };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "expired-certs-"));
    // A valid CA and leaf, an expired CA, and two expired leaves signed by the valid CA.
    must(`set -e; cd ${dir}
      openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=ca 2>/dev/null
      openssl req -x509 -newkey rsa:2048 -nodes -keyout client.key -out client.crt -days 2 -subj /CN=client 2>/dev/null`);
    must(expiredCertScript(`${dir}/old`, "ca"));
    must(expiredCertScript(dir, "apiserver", dir));
    must(expiredCertScript(dir, "etcdpeer0", dir));
    fs.writeFileSync(path.join(dir, "garbage.crt"), "not a certificate\n");
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("makes certificates that expired on the day given, signed by the CA given", () => {
    assert.strictEqual(
      must(`openssl x509 -enddate -noout -in ${dir}/apiserver.crt`),
      `notAfter=${EXPIRED_ON}\n`,
    );
    assert.match(
      must(`openssl verify -no_check_time -CAfile ${dir}/ca.crt ${dir}/apiserver.crt`),
      /OK/,
    );
  });

  it("says nothing when every certificate is valid, and skips what openssl cannot read", () => {
    assert.strictEqual(problem("ca.crt", "client.crt", "garbage.crt", "missing.crt"), "");
  });

  it("names the first expired file, its end date and the node's clock, then what to do instead", () => {
    assert.strictEqual(
      problem("ca.crt", "apiserver.crt", "client.crt"),
      `${dir}/apiserver.crt expired on ${EXPIRED_ON} (clock): the rotation starts only on a ` +
        "cluster that works with its current certificates; if the clock is right, renew the " +
        `expired certificates by hand with the cluster's CA, each keeping its key ${DOC}`,
    );
  });

  it("counts the other expired files on the same line", () => {
    assert.match(
      problem("ca.crt", "apiserver.crt", "client.crt", "etcdpeer0.crt"),
      new RegExp(`^${dir}/apiserver\\.crt expired on ${EXPIRED_ON} \\(clock\\); 1 more expired: `),
    );
  });

  it("tells to renew ca.crt with its own key first when the CA itself expired", () => {
    assert.strictEqual(
      problem("old/ca.crt", "apiserver.crt"),
      `${dir}/old/ca.crt expired on ${EXPIRED_ON} (clock); 1 more expired: the rotation starts ` +
        "only on a cluster that works with its current certificates; if the clock is right, " +
        "renew ca.crt by hand with its own key, then every certificate it signed, each keeping " +
        `its key ${DOC}`,
    );
  });
});
