// The staged mode's hand-out for clients outside the cluster (docs/staged.md, "The bundle
// kubeconfig"): what it holds, why that works in every phase from the end of P1 on, and where the
// plan writes and removes it.
import assert from "node:assert/strict";
import {
  bundleKubeconfig,
  bundleKubeconfigPath,
  caBundlePem,
  finalizePlan,
  HAND_OUT_ID,
  planRotation,
  planSteps,
  replacedCaPem,
  type PlanStep,
} from "../../../components/rotation";
import { fixtureCluster } from "../support/fixtures";
import { before, planInputFor } from "./planFacts";

const pem = (name: string) => `-----BEGIN CERTIFICATE-----\n${name}\n-----END CERTIFICATE-----\n`;
const OLD_CA = pem("old ca");
const NEW_CA = pem("new ca");
const NEW_ADMIN = pem("new admin client");
const NEW_KEY = "-----BEGIN RSA PRIVATE KEY-----\nnew admin key\n-----END RSA PRIVATE KEY-----\n";

/** The kubeconfig's CA data as a list of PEM blocks, and its user's client pair. */
function read(text: string) {
  const kc = JSON.parse(text);
  const b64 = (s: string) => Buffer.from(s, "base64").toString("utf8");
  const caData = b64(kc.clusters[0].cluster["certificate-authority-data"]);
  const user = kc.users.find((u: { name: string }) => u.name === kc.contexts[0].context.user);
  return {
    server: kc.clusters[0].cluster.server as string,
    cas: caData.match(/-----BEGIN CERTIFICATE-----\n[^-]*-----END CERTIFICATE-----\n/g) ?? [],
    cert: b64(user.user["client-certificate-data"]),
    key: b64(user.user["client-key-data"]),
  };
}

const handOut = (oldCaPem: string | undefined) =>
  read(
    bundleKubeconfig({
      dnsPrefix: "lab",
      server: "https://lab.local.example",
      oldCaPem,
      newCaPem: NEW_CA,
      clientCertPem: NEW_ADMIN,
      clientKeyPem: NEW_KEY,
    }),
  );

/**
 * What a client meets through the load balancer in each stretch of a staged rotation
 * (docs/staged.md, Phases): the CAs that sign the server certificates it may be presented, and
 * what the API servers' --client-ca-file (ca.crt) holds, one entry per kind of master; whether
 * the bundle kubeconfig and the operator's old admin kubeconfig (old CA, old admin) work there.
 */
interface Stretch {
  readonly name: string;
  readonly served: readonly string[];
  readonly clientCas: readonly (readonly string[])[];
  readonly bundle: boolean;
  readonly old: boolean;
}
const BOTH = [OLD_CA, NEW_CA];
const STRETCHES: readonly Stretch[] = [
  { name: "before P1", served: [OLD_CA], clientCas: [[OLD_CA]], bundle: false, old: true },
  {
    name: "P1, some masters turned",
    served: [OLD_CA],
    clientCas: [BOTH, [OLD_CA]],
    bundle: false,
    old: true,
  },
  { name: "P1 done on every master", served: [OLD_CA], clientCas: [BOTH], bundle: true, old: true },
  { name: "P2", served: [OLD_CA], clientCas: [BOTH], bundle: true, old: true },
  { name: "P3, some masters turned", served: BOTH, clientCas: [BOTH], bundle: true, old: false },
  { name: "P3 done", served: [NEW_CA], clientCas: [BOTH], bundle: true, old: false },
  {
    name: "P4, some masters turned",
    served: [NEW_CA],
    clientCas: [BOTH, [NEW_CA]],
    bundle: true,
    old: false,
  },
  { name: "after the rotation", served: [NEW_CA], clientCas: [[NEW_CA]], bundle: true, old: false },
];

/** A kubeconfig works when it verifies every server and every API server accepts its client. */
const works = (s: Stretch, trusted: readonly string[], clientSigner: string) =>
  s.served.every((ca) => trusted.includes(ca)) &&
  s.clientCas.every((cas) => cas.includes(clientSigner));

describe("the bundle kubeconfig (staged hand-out)", () => {
  describe("its content (pure)", () => {
    it("trusts the old and the new CA, old first, and signs in as the new admin", () => {
      const kc = handOut(OLD_CA);
      assert.deepEqual(kc.cas, [OLD_CA, NEW_CA]);
      assert.equal(kc.cert, NEW_ADMIN);
      assert.equal(kc.key, NEW_KEY);
      assert.equal(kc.server, "https://lab.local.example");
    });

    for (const s of STRETCHES) {
      const verdict = (ok: boolean) => (ok ? "works" : "fails");
      it(`${s.name}: the bundle kubeconfig ${verdict(s.bundle)}, the old one ${verdict(s.old)}`, () => {
        // The new admin certificate is the new CA's; the old admin kubeconfig's, the old CA's.
        assert.equal(works(s, handOut(OLD_CA).cas, NEW_CA), s.bundle, "bundle kubeconfig");
        assert.equal(works(s, [OLD_CA], OLD_CA), s.old, "old admin kubeconfig");
      });
    }

    it("holds the new CA once when the old one is unknown or the same", () => {
      assert.deepEqual(handOut(undefined).cas, [NEW_CA]);
      assert.deepEqual(handOut(NEW_CA.replace(/\n/g, "\r\n")).cas, [NEW_CA]);
      assert.equal(caBundlePem(OLD_CA.trimEnd(), NEW_CA), OLD_CA + NEW_CA);
    });
  });

  describe("the old CA it bundles", () => {
    it("is apimodel.json's while the rotation runs", () => {
      assert.equal(replacedCaPem({ apiModel: OLD_CA }, NEW_CA), OLD_CA);
      assert.equal(replacedCaPem({ apiModel: OLD_CA, replaced: pem("older") }, NEW_CA), OLD_CA);
    });

    it("is the .before-rotation copy's once apimodel.json holds the new CA: reruns write the same", () => {
      assert.equal(replacedCaPem({ apiModel: NEW_CA, replaced: OLD_CA }, NEW_CA), OLD_CA);
    });

    it("is unknown when neither file holds another CA", () => {
      assert.equal(replacedCaPem({ apiModel: NEW_CA }, NEW_CA), undefined);
      assert.equal(replacedCaPem({}, NEW_CA), undefined);
    });

    it("is read from apimodel.json and its .before-rotation copy by the cluster model", () => {
      const cas = fixtureCluster("three-masters").caPems;
      assert.match(cas?.apiModel ?? "", /^-----BEGIN CERTIFICATE-----/);
    });
  });

  it("lies next to the admin kubeconfig", () => {
    assert.equal(
      bundleKubeconfigPath("/o/_output/lab/kubeconfig/kubeconfig.local.json"),
      "/o/_output/lab/kubeconfig/kubeconfig.local.bundle.json",
    );
  });

  describe("in the staged plan", () => {
    const cluster = fixtureCluster("three-masters");
    const staged = planInputFor(cluster, { rotationMode: "staged", rebootStrategy: "none" });
    const steps = (mode: "rotate" | "finalize" | "rollback", input = staged) =>
      planSteps(planRotation(input, mode));
    const rotate = steps("rotate");
    const masters = cluster.masters.map((m) => m.name);
    const step = rotate.find((s) => s.id === HAND_OUT_ID)!;

    it("is written by the operator's machine from its content, in P1, as the kubeconfig is", () => {
      assert.deepEqual(step.run, {
        kind: "writeLocal",
        file: "bundleKubeconfig",
        rotationId: "r1",
      });
      assert.equal(step.node, "local");
      assert.deepEqual(step.triggers, [{ contentDigest: "bundleKubeconfig" }]);
    });

    it("is written once every master's API server restarted with the bundle as client CA", () => {
      assert.deepEqual(step.waitsFor, [`trust-${masters[masters.length - 1]}-kubelet-ready`]);
      const first = before(rotate, HAND_OUT_ID);
      for (const m of masters) {
        assert.ok(first.has(`trust-${m}-bundle`), m);
        assert.ok(first.has(`trust-${m}-ready`), m);
      }
    });

    it("is on disk before any API server presents a certificate of the new CA (P3)", () => {
      const p3 = rotate.filter((s) => s.id.startsWith("leaves-"));
      for (const s of p3) assert.ok(before(rotate, s.id).has(HAND_OUT_ID), s.id);
    });

    it("is not written by a cut-over, nor without apimodel.json's CA, nor under finalize", () => {
      const has = (list: readonly PlanStep[]) => list.some((s) => s.id === HAND_OUT_ID);
      assert.ok(!has(steps("rotate", planInputFor(cluster, { rebootStrategy: "none" }))));
      assert.ok(!has(steps("rotate", { ...staged, operatorCas: undefined })));
      assert.ok(!has(steps("finalize")));
    });

    it("is removed, with any copy of it, by finalize and by a rollback", () => {
      for (const [mode, id] of [
        ["finalize", "finalize-local-bundle-kubeconfig"],
        ["rollback", "rollback-local-bundle-kubeconfig"],
      ] as const) {
        const removal = steps(mode).find((s) => s.id === id);
        assert.deepEqual(removal?.run, { kind: "removeLocal", file: "bundleKubeconfig" }, mode);
      }
      const cut = planInputFor(cluster, { rebootStrategy: "none" });
      for (const mode of ["finalize", "rollback"] as const)
        assert.ok(!steps(mode, cut).some((s) => s.run.kind === "removeLocal"), mode);
    });

    it("is listed among what finalize removes from the operator's machine", () => {
      const paths = { apiModel: "/o/apimodel.json", kubeconfig: "/o/kubeconfig/k.json" };
      assert.ok(
        finalizePlan(masters, paths, true).local.includes(
          "/o/kubeconfig/k.bundle.json (the bundle kubeconfig)",
        ),
      );
      assert.equal(finalizePlan(masters, paths).local.length, 2);
    });
  });
});
