// The gate's CA check as data: which CA fingerprints a node's ca.crt may hold, where they come
// from (apimodel.json, its backup copy, the new PKI), and that the preflight's command line stays
// the same through a rotation, so a rerun of a finished one re-runs nothing.
import * as assert from "assert";
import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { loadCluster } from "../../../components/cluster";
import { planRotation, planSteps, type Word } from "../../../components/rotation";
import { acceptedCas, derSha256, hexFingerprint } from "../../../components/rotation/caCheck";
import { FIXTURES, fixtureCluster, fixtureDir, tempDir } from "../support/fixtures";
import { ROLLOUT } from "./graphMocks";
import { planInputFor } from "./planFacts";

const OLD = "a".repeat(64);
const NEW = "b".repeat(64);
const PREV = "c".repeat(64);

const inputOf = (cluster = fixtureCluster("three-masters")) => planInputFor(cluster);

const caPemOf = (dir: string) =>
  (
    JSON.parse(fs.readFileSync(path.join(dir, "apimodel.json"), "utf8")) as {
      properties: { certificateProfile: { caCertificate: string } };
    }
  ).properties.certificateProfile.caCertificate;

describe("the gate's CA check", () => {
  it("accepts apimodel.json's CA and the new one, apimodel.json's named first", () => {
    assert.strictEqual(acceptedCas({ apiModel: OLD }, NEW), `${OLD},${NEW}`);
    assert.strictEqual(acceptedCas({ apiModel: OLD, replaced: PREV }, NEW), `${OLD},${NEW}`);
  });

  it("reads the same before and after the rotation persisted apimodel.json", () => {
    const before = acceptedCas({ apiModel: OLD, replaced: PREV }, NEW);
    // persist: apimodel.json holds the new CA, its backup copy the one it replaced.
    const after = acceptedCas({ apiModel: NEW, replaced: OLD }, NEW);
    assert.strictEqual(after, before);
  });

  it("accepts the new CA alone once apimodel.json holds it and no backup copy is left", () => {
    assert.strictEqual(acceptedCas({ apiModel: NEW }, NEW), NEW);
    assert.strictEqual(acceptedCas({ apiModel: NEW, replaced: NEW }, NEW), NEW);
  });

  it("fingerprints a PEM certificate as openssl does on the node (SHA-256 of the DER)", () => {
    const pem = fs.readFileSync(path.join(FIXTURES, "certs", "leaf.crt"), "utf8");
    const want = hexFingerprint(new X509Certificate(pem).fingerprint256);
    assert.match(want, /^[0-9a-f]{64}$/);
    assert.strictEqual(derSha256(pem), want);
  });

  it("passes --ca-sha256 with apimodel.json's CA to every node's preflight, triggers unchanged", () => {
    const input = inputOf();
    const ca = hexFingerprint(
      new X509Certificate(caPemOf(fixtureDir("three-masters"))).fingerprint256,
    );
    assert.deepStrictEqual(input.operatorCas, { apiModel: ca });
    for (const mode of ["cutover", "staged"] as const) {
      const steps = planSteps(
        planRotation({ ...input, rollout: { ...ROLLOUT, rotationMode: mode } }, "rotate"),
      );
      const gate = steps.filter((s) => s.id.startsWith("preflight-"));
      assert.strictEqual(gate.length, 5);
      for (const s of gate) {
        assert.ok(s.run.kind === "script");
        const args: readonly Word[] = s.run.args;
        const at = args.indexOf("--ca-sha256");
        assert.ok(at >= 0, `${s.id}: no --ca-sha256`);
        assert.deepStrictEqual(args[at + 1], { acceptedCas: { apiModel: ca } }, s.id);
        assert.strictEqual(args[at + 2], s.node, `${s.id}: options before the node name`);
        assert.deepStrictEqual(
          s.triggers.map((t) => Object.keys(t as object)),
          [["digests"]],
          `${s.id}: the CA check adds no trigger`,
        );
      }
    }
  });

  it("checks no CA when apimodel.json has none", () => {
    const cluster = fixtureCluster("three-masters");
    const input = inputOf({ ...cluster, currentCertificates: {} });
    assert.strictEqual(input.operatorCas, undefined);
    const gate = planSteps(planRotation(input, "rotate")).filter((s) =>
      s.id.startsWith("preflight-"),
    );
    for (const s of gate) {
      assert.ok(s.run.kind === "script");
      assert.ok(!s.run.args.includes("--ca-sha256"), s.id);
    }
  });

  describe("apimodel.json.before-rotation (the copy the last persist replaced)", () => {
    let dir: string;
    let cleanup: () => void;
    beforeEach(() => {
      ({ dir, cleanup } = tempDir());
      for (const f of ["apimodel.json", "azuredeploy.json"]) {
        fs.copyFileSync(path.join(fixtureDir("three-masters"), f), path.join(dir, f));
      }
    });
    afterEach(() => cleanup());

    it("is read for its CA, which the plan carries as the one replaced", () => {
      const leaf = fs.readFileSync(path.join(FIXTURES, "certs", "leaf.crt"), "utf8");
      const backup = JSON.parse(fs.readFileSync(path.join(dir, "apimodel.json"), "utf8")) as {
        properties: { certificateProfile: { caCertificate: string } };
      };
      backup.properties.certificateProfile.caCertificate = leaf;
      fs.writeFileSync(path.join(dir, "apimodel.json.before-rotation"), JSON.stringify(backup));
      const input = inputOf(loadCluster({ apiModel: dir }));
      assert.strictEqual(input.operatorCas?.replaced, derSha256(leaf));
      assert.strictEqual(input.operatorCas?.apiModel, derSha256(caPemOf(dir)));
    });

    it("is no input error when absent or unreadable: there is just no replaced CA", () => {
      assert.strictEqual(loadCluster({ apiModel: dir }).replacedCa, undefined);
      fs.writeFileSync(path.join(dir, "apimodel.json.before-rotation"), "{ not json");
      assert.strictEqual(loadCluster({ apiModel: dir }).replacedCa, undefined);
    });
  });
});
