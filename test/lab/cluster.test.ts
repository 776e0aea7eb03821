// The lab as an operator meets it after `aks-engine deploy`: nodes reachable over SSH with the
// deploy's key and pinned host keys, a healthy mutual-TLS etcd across the masters, AKS Engine's
// certificate files, modes and owners, and the operator's _output/<dnsPrefix>/.
import { strict as assert } from "node:assert";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ensureLab, Inventory, labShape, LabNode } from "./fixture";
import { expectedCertFiles, parseStat } from "./cert-layout";
import { clientAuth, identities, serverAuth } from "./pki-spec";
import { lab, run, runOk } from "./run";

interface CertificateProfile {
  readonly [field: string]: string | readonly string[];
}

function sshArgs(inv: Inventory, knownHosts: string, node: LabNode, cmd: string): string[] {
  return [
    "-i",
    inv.sshKey,
    "-o",
    "IdentitiesOnly=yes",
    "-o",
    `UserKnownHostsFile="${knownHosts}"`,
    "-o",
    "GlobalKnownHostsFile=/dev/null",
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    "BatchMode=yes",
    "-o",
    "ConnectTimeout=10",
    `${inv.adminUsername}@${node.ip}`,
    cmd,
  ];
}

function ssh(inv: Inventory, node: LabNode, cmd: string) {
  return runOk("ssh", sshArgs(inv, inv.knownHosts, node, cmd));
}

describe("lab up (3 masters, 2 agents)", function () {
  let inv: Inventory;
  let apimodel: {
    properties: { certificateProfile: CertificateProfile } & Record<string, unknown>;
  };
  let tmp: string;

  before(async function () {
    inv = await ensureLab();
    apimodel = JSON.parse(fs.readFileSync(path.join(inv.outputDir, "apimodel.json"), "utf8"));
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lab-test-"));
  });

  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const masters = () => inv.nodes.filter((n) => n.role === "master");

  it("names and addresses the nodes as AKS Engine does", () => {
    const suffix = inv.nameSuffix;
    assert.match(suffix, /^\d{8}$/);
    assert.deepEqual(
      inv.nodes.map((n) => [n.name, n.ip]),
      [
        [`k8s-master-${suffix}-0`, "10.240.255.5"],
        [`k8s-master-${suffix}-1`, "10.240.255.6"],
        [`k8s-master-${suffix}-2`, "10.240.255.7"],
        [`k8s-linuxpool-${suffix}-0`, "10.240.0.4"],
        [`k8s-linuxpool-${suffix}-1`, "10.240.0.5"],
      ],
    );
    assert.equal(inv.internalLbIP, "10.240.255.15");
  });

  it("lets the admin in on every node with the deploy key, only against the pinned host key", async () => {
    for (const node of inv.nodes) {
      const r = await ssh(inv, node, "hostname && sudo -n id -u && ip route");
      const [hostname, uid, ...routes] = r.stdout.trim().split("\n");
      assert.equal(hostname, node.name);
      assert.equal(uid, "0", `passwordless sudo on ${node.name}`);
      assert.ok(!routes.some((l) => l.startsWith("default")), `${node.name} has no default route`);
    }
    // The same login against an empty known_hosts must be refused: the pin is what lets it in.
    const empty = path.join(tmp, "empty_known_hosts");
    fs.writeFileSync(empty, "");
    const refused = await run("ssh", sshArgs(inv, empty, inv.nodes[0], "true"));
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /Host key verification failed/);
  });

  it("resolves every node name on every node (/etc/hosts)", async () => {
    const r = await ssh(
      inv,
      inv.nodes[inv.nodes.length - 1],
      "getent hosts " + inv.nodes.map((n) => n.name).join(" "),
    );
    for (const node of inv.nodes)
      assert.match(r.stdout, new RegExp(`^${node.ip}\\s+${node.name}$`, "m"));
  });

  it("runs one healthy etcd cluster of all masters, reachable only with a client cert", async () => {
    const profile = apimodel.properties.certificateProfile;
    const ca = path.join(tmp, "ca.crt");
    const cert = path.join(tmp, "etcdclient.crt");
    const key = path.join(tmp, "etcdclient.key");
    fs.writeFileSync(ca, profile.caCertificate as string);
    fs.writeFileSync(cert, profile.etcdClientCertificate as string);
    fs.writeFileSync(key, profile.etcdClientPrivateKey as string, { mode: 0o600 });
    const endpoints = masters().map((m) => `https://${m.ip}:2379`);
    const tls = [`--cacert=${ca}`, `--cert=${cert}`, `--key=${key}`];
    const env = { ETCDCTL_API: "3" };
    for (const ep of endpoints) {
      const r = await runOk("etcdctl", [`--endpoints=${ep}`, ...tls, "endpoint", "health"], {
        env,
      });
      assert.match(r.stderr + r.stdout, /is healthy/);
    }
    const members = await runOk(
      "etcdctl",
      [`--endpoints=${endpoints[0]}`, ...tls, "member", "list"],
      { env },
    );
    assert.deepEqual(
      members.stdout
        .trim()
        .split("\n")
        .map((l) => l.split(", ")[2])
        .sort(),
      masters().map((m) => m.name),
    );
    const anonymous = await run(
      "etcdctl",
      [
        `--endpoints=${endpoints[0]}`,
        `--cacert=${ca}`,
        "--command-timeout=5s",
        "endpoint",
        "health",
      ],
      { env },
    );
    assert.notEqual(anonymous.code, 0, "etcd must demand a client certificate");
  });

  it("lays out /etc/kubernetes/certs with AKS Engine's files, modes and owners", async () => {
    for (const node of inv.nodes) {
      const r = await ssh(
        inv,
        node,
        "sudo stat -c '%n %a %U %G' /etc/kubernetes/certs/* && stat -c '%a %U' /etc/kubernetes/certs",
      );
      const lines = r.stdout.trim().split("\n");
      const dir = lines.pop();
      assert.equal(dir, "755 root", `${node.name}: certs dir`);
      assert.deepEqual(
        parseStat(lines.join("\n")),
        expectedCertFiles(node.role, node.index),
        node.name,
      );
    }
  });

  it("installs the apimodel's certificates and the same front-proxy pair on every master", async () => {
    const profile = apimodel.properties.certificateProfile;
    const sha = (s: string) => crypto.createHash("sha256").update(s).digest("hex");
    const proxies = new Set<string>();
    for (const node of inv.nodes) {
      const files =
        node.role === "master"
          ? "ca.crt client.crt apiserver.crt etcdserver.crt etcdclient.crt proxy-ca.crt proxy.crt proxy.key"
          : "ca.crt client.crt";
      const r = await ssh(inv, node, `cd /etc/kubernetes/certs && sudo sha256sum ${files}`);
      const sums = Object.fromEntries(
        r.stdout
          .trim()
          .split("\n")
          .map((l) => l.split(/\s+/).reverse()),
      );
      assert.equal(sums["ca.crt"], sha(profile.caCertificate as string), `${node.name} ca.crt`);
      assert.equal(
        sums["client.crt"],
        sha(profile.clientCertificate as string),
        `${node.name} client.crt`,
      );
      if (node.role === "master") {
        assert.equal(sums["apiserver.crt"], sha(profile.apiServerCertificate as string));
        assert.equal(sums["etcdserver.crt"], sha(profile.etcdServerCertificate as string));
        proxies.add(`${sums["proxy-ca.crt"]} ${sums["proxy.crt"]} ${sums["proxy.key"]}`);
      }
    }
    assert.equal(proxies.size, 1, "one front-proxy pair, shared through etcd");
    const m0 = masters()[0];
    const r = await ssh(
      inv,
      m0,
      "sudo openssl x509 -in /etc/kubernetes/certs/proxy.crt -noout -subject -issuer",
    );
    assert.match(r.stdout, /subject=CN = aggregator, O = system:masters/);
    assert.match(r.stdout, /issuer=CN = proxyClientCA/);
  });

  it("generates the PKI as AKS Engine does: one CA, its subjects, SANs, usages and lifetime", () => {
    const profile = apimodel.properties.certificateProfile;
    const ca = new crypto.X509Certificate(profile.caCertificate as string);
    assert.equal(ca.subject, "CN=ca");
    assert.ok(ca.ca);
    const facts = {
      fqdn: inv.fqdn,
      masterIPs: masters().map((m) => m.ip),
      internalLbIP: inv.internalLbIP,
      serviceFirstIP: "10.0.0.1",
    };
    const peers = (profile.etcdPeerCertificates as string[]).map((pem) => ({
      field: "etcdPeerCertificates[]",
      pem,
      spec: { subject: "CN=etcdpeer", eku: [serverAuth, clientAuth] },
    }));
    assert.equal(peers.length, labShape.masters);
    const all = [
      ...identities(facts).map((s) => ({
        field: s.field,
        pem: profile[s.field] as string,
        spec: s,
      })),
      ...peers,
    ];
    const serials = new Set<string>([ca.serialNumber]);
    for (const { field, pem, spec } of all) {
      const c = new crypto.X509Certificate(pem);
      assert.equal(c.subject, spec.subject, field);
      assert.deepEqual(c.keyUsage, spec.eku, field);
      if ("san" in spec) assert.equal(c.subjectAltName ?? "", spec.san, field);
      assert.ok(c.checkIssued(ca) && c.verify(ca.publicKey), `${field} is signed by the CA`);
      assert.equal(c.ca, false, field);
      assert.equal(c.publicKey.asymmetricKeyDetails?.modulusLength, labShape.keyBits, field);
      const days = (Date.parse(c.validTo) - Date.parse(c.validFrom)) / 86_400_000;
      assert.equal(days, 30 * 365, `${field} lives 30*365 days`);
      serials.add(c.serialNumber);
    }
    assert.equal(serials.size, all.length + 1, "every serial is distinct (random 128-bit)");
    for (const [field, value] of Object.entries(profile)) {
      if (!/PrivateKey|PrivateKeys$/.test(field)) continue;
      for (const pem of [value].flat())
        assert.match(pem, /^-----BEGIN RSA PRIVATE KEY-----/, `${field} is PKCS#1`);
    }
  });

  it("writes the kubelet kubeconfig, the admin kubeconfig and /etc/environment as AKS Engine does", async () => {
    for (const node of inv.nodes) {
      const server =
        node.role === "master" ? `https://${node.ip}:443` : `https://${inv.internalLbIP}:443`;
      const r = await ssh(inv, node, "grep -E 'server|client-key' /var/lib/kubelet/kubeconfig");
      assert.match(
        r.stdout,
        new RegExp(`server: ${server.replace(/\./g, "\\.")}$`, "m"),
        node.name,
      );
      assert.match(r.stdout, /client-key: \/etc\/kubernetes\/certs\/client\.key/);
    }
    for (const node of masters()) {
      const r = await ssh(
        inv,
        node,
        "stat -c '%a %U' ~/.kube/config && head -4 /etc/environment && sudo grep -c DAEMON_ARGS /etc/default/etcd",
      );
      const [mode, ...rest] = r.stdout.trim().split("\n");
      assert.equal(mode, `600 ${inv.adminUsername}`);
      assert.deepEqual(rest, [
        "ETCDCTL_CERT_FILE=/etc/kubernetes/certs/etcdclient.crt",
        "ETCDCTL_KEY_FILE=/etc/kubernetes/certs/etcdclient.key",
        "ETCDCTL_CA_FILE=/etc/kubernetes/certs/ca.crt",
        "ETCDCTL_ENDPOINTS=https://127.0.0.1:2379",
        "1",
      ]);
    }
    const agent = inv.nodes.find((n) => n.role === "agent")!;
    const noEtcd = await ssh(
      inv,
      agent,
      "test ! -e /etc/default/etcd && systemctl is-enabled etcd || true",
    );
    assert.equal(noEtcd.stdout.trim(), "masked");
  });

  it("writes the operator's _output/<dnsPrefix>/ like aks-engine deploy", () => {
    const out = inv.outputDir;
    assert.equal(path.basename(out), inv.dnsPrefix);
    const deploy = JSON.parse(fs.readFileSync(path.join(out, "azuredeploy.json"), "utf8"));
    assert.equal(deploy.parameters.nameSuffix.defaultValue, inv.nameSuffix);
    const props = apimodel.properties as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.equal(props.masterProfile.count, labShape.masters);
    assert.equal(props.masterProfile.firstConsecutiveStaticIP, "10.240.255.5");
    assert.equal(props.agentPoolProfiles[0].count, labShape.agents);
    assert.equal(props.customCloudProfile.environment.name, "AzureStackCloud");
    assert.equal(
      `${inv.dnsPrefix}.${inv.location}.${props.customCloudProfile.environment.resourceManagerVMDNSSuffix}`,
      inv.fqdn,
    );
    const kc = JSON.parse(
      fs.readFileSync(path.join(out, "kubeconfig", `kubeconfig.${inv.location}.json`), "utf8"),
    );
    assert.equal(kc.clusters[0].cluster.server, `https://${inv.fqdn}`);
    assert.equal(kc.users[0].name, `${inv.dnsPrefix}-admin`);
    const kcCert = Buffer.from(kc.users[0].user["client-certificate-data"], "base64").toString();
    assert.equal(kcCert, props.certificateProfile.kubeConfigCertificate);
    for (const f of [
      "apimodel.json",
      "azureuser_rsa",
      path.join("kubeconfig", `kubeconfig.${inv.location}.json`),
    ]) {
      assert.equal(fs.statSync(path.join(out, f)).mode & 0o777, 0o600, f);
    }
    // Every host key of every node, ed25519 first, as ssh-keyscan lists a real node's.
    const pinned = fs.readFileSync(inv.knownHosts, "utf8").trim().split("\n");
    assert.deepEqual(
      pinned.map((l) => l.split(" ").slice(0, 2).join(" ")),
      inv.nodes.flatMap((n) =>
        ["ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa"].map((t) => `${n.name},${n.ip} ${t}`),
      ),
    );
  });

  it("reports every node healthy in lab status", async () => {
    const r = await lab(["status"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const node of inv.nodes) {
      const etcd = node.role === "master" ? "healthy" : "-";
      assert.match(
        r.stdout,
        new RegExp(
          `^${node.name}\\s+${node.role}\\s+${node.ip.replace(/\./g, "\\.")}\\s+running\\s+open\\s+${etcd}\\s+ok$`,
          "m",
        ),
      );
    }
  });

  it("gives the ssh helper a node by name", async () => {
    const r = await runOk("bash", ["lab/ssh.sh", masters()[1].name, "hostname"]);
    assert.equal(r.stdout.trim(), masters()[1].name);
  });
});
