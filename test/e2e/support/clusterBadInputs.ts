// Bad input that only a cluster can show: what is wrong is on the nodes or between them and the
// operator (a node down, a key or host key that is not the cluster's, a jump host that does not
// answer, an apimodel.json whose CA is not the nodes', a certificate that expired). One row per
// case: how to break it, the first error line the operator sees, and how to repair it. The e2e
// runs each row with `pulumi up` on a stack of its own and proves that no node file changed.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { EXPIRED_ON, expiredCertScript } from "../../support/expiredCert";
import { readNodeFile } from "./cluster";
import { inventory, masters, outputDir, rootScript, setLink, sshOk, type LabNode } from "./lab";

export interface ClusterRow {
  readonly name: string;
  /** Stack config over the lab stack's (values may name files `prepare` wrote in `dir`). */
  readonly config: (dir: string) => Record<string, string>;
  /** Writes what the config names under `dir`; returns the repair of what it broke, if any. */
  prepare?(dir: string): Promise<(() => Promise<void>) | void>;
  /** The first `error:` line the user sees (after the `error: ` prefix). */
  readonly firstLine: RegExp;
}

const agents = (): LabNode[] => inventory().nodes.filter((n) => n.role === "agent");

/** A fresh SSH key pair of `type` in `dir`; returns the private key's path. */
function keygen(dir: string, type: string, name: string): string {
  const file = path.join(dir, name);
  execFileSync("ssh-keygen", ["-q", "-t", type, "-N", "", "-C", "not-the-cluster", "-f", file]);
  return file;
}

/** The lab's cluster folder copied to `dir/cluster` (with the lab's marker), edited by `edit`. */
function clusterCopy(dir: string, edit: (model: Record<string, unknown>) => void): string {
  const copy = path.join(dir, "cluster");
  fs.cpSync(outputDir, copy, { recursive: true });
  const file = path.join(copy, "apimodel.json");
  const model = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
  edit(model);
  fs.writeFileSync(file, JSON.stringify(model, null, 2));
  return copy;
}

/** A self-signed CA that is not the cluster's. */
function foreignCa(dir: string): string {
  execFileSync(
    "openssl",
    [
      ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", "/CN=ca"],
      ...["-keyout", path.join(dir, "foreign-ca.key"), "-out", path.join(dir, "foreign-ca.crt")],
    ],
    { stdio: "ignore" },
  );
  return fs.readFileSync(path.join(dir, "foreign-ca.crt"), "utf8");
}

/**
 * Replaces `file` on `node` with a certificate of the same name that expired (EXPIRED_ON), signed
 * by the node's own ca.crt and ca.key, so the CA key never leaves the node; returns the repair.
 */
async function expireOn(node: string, file: string): Promise<() => Promise<void>> {
  const kept = await readNodeFile(node, file);
  const work = "/var/tmp/aks-e2e-expired";
  const name = path.basename(file, ".crt");
  await rootScript(
    node,
    `${expiredCertScript(work, name, path.dirname(file))}
cat ${work}/${name}.crt > ${file}
rm -rf ${work}`,
  );
  // In place (same mode and owner): the listing the e2e compares holds no leftover.
  return async () => void (await sshOk(node, `sudo -n tee ${file} >/dev/null`, kept));
}

const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export function clusterRows(): ClusterRow[] {
  const m0 = masters()[0];
  const agent = agents()[agents().length - 1];
  // The last master, as the agent rows take the last agent: master-0 is the jump host.
  const lastMaster = masters()[masters().length - 1];
  return [
    {
      name: "an agent down (its network link cut)",
      config: () => ({}),
      prepare: async () => {
        await setLink(agent, "down");
        return () => setLink(agent, "up");
      },
      firstLine: new RegExp(
        `^ssh: node ${agent.name} \\(\\S+\\) is unreachable through the jump host ${escaped(m0.ip)} `,
      ),
    },
    {
      name: "an SSH key that is not the cluster's",
      config: (dir) => ({ sshPrivateKeyPath: path.join(dir, "other_rsa") }),
      prepare: async (dir) => void keygen(dir, "rsa", "other_rsa"),
      firstLine: new RegExp(
        `^config sshPrivateKey/sshPrivateKeyPath or sshUser: the jump host ${escaped(m0.ip)} refused the login as ${inventory().adminUsername} `,
      ),
    },
    {
      name: "sshUser that is not the cluster's admin user",
      config: () => ({ sshUser: "operator" }),
      firstLine: new RegExp(
        `^config sshPrivateKey/sshPrivateKeyPath or sshUser: the jump host ${escaped(m0.ip)} refused the login as operator `,
      ),
    },
    {
      name: "known_hosts with another host key for an agent (a man in the middle)",
      config: (dir) => ({ sshKnownHostsPath: path.join(dir, "known_hosts") }),
      prepare: async (dir) => {
        const fake = Object.fromEntries(
          ["ed25519", "ecdsa", "rsa"].map((t) => [
            t,
            fs
              .readFileSync(`${keygen(dir, t, `fake_${t}`)}.pub`, "utf8")
              .split(" ")
              .slice(0, 2),
          ]),
        );
        const lines = fs
          .readFileSync(path.join(outputDir, "known_hosts"), "utf8")
          .split("\n")
          .map((l) => {
            const [hosts, type] = l.split(" ");
            if (!hosts?.split(",").includes(agent.name)) return l;
            const t = Object.keys(fake).find((k) => type.includes(k))!;
            return `${hosts} ${fake[t].join(" ")}`;
          });
        fs.writeFileSync(path.join(dir, "known_hosts"), lines.join("\n"));
      },
      firstLine: new RegExp(
        `^config sshKnownHostsPath: node ${agent.name} \\(\\S+\\) showed a host key that is not the one pinned `,
      ),
    },
    {
      name: "a jump host that does not answer",
      // Pinned (an unpinned jump host is refused before the probe: see the config table).
      config: (dir) => ({
        jumpHost: "10.240.255.99",
        sshKnownHostsPath: path.join(dir, "known_hosts"),
      }),
      prepare: async (dir) => {
        const key = fs.readFileSync(`${keygen(dir, "ed25519", "nobody")}.pub`, "utf8");
        const pins = fs.readFileSync(path.join(outputDir, "known_hosts"), "utf8").trimEnd();
        const jump = `10.240.255.99 ${key.split(" ").slice(0, 2).join(" ")}`;
        fs.writeFileSync(path.join(dir, "known_hosts"), `${pins}\n${jump}\n`);
      },
      firstLine: /^config jumpHost: 10\.240\.255\.99 is unreachable over SSH /,
    },
    {
      name: "apimodel.json whose CA is not the nodes' (rotated by hand)",
      config: (dir) => ({ apiModel: path.join(dir, "cluster") }),
      prepare: async (dir) => {
        const ca = foreignCa(dir);
        clusterCopy(dir, (model) => {
          const props = model.properties as { certificateProfile: Record<string, string> };
          props.certificateProfile.caCertificate = ca;
        });
      },
      firstLine:
        /^preflight: k8s-\S+: \/etc\/kubernetes\/certs\/ca\.crt \(sha256 [0-9a-f]{64}\) is not the CA of apimodel\.json's certificateProfile /,
    },
    {
      name: "a master whose apiserver.crt already expired (the cluster's CA signed it)",
      config: () => ({}),
      prepare: async () => expireOn(lastMaster.name, "/etc/kubernetes/certs/apiserver.crt"),
      firstLine: new RegExp(
        `^preflight: ${lastMaster.name}: /etc/kubernetes/certs/apiserver\\.crt expired on ` +
          `${EXPIRED_ON} \\(this node's clock: [^)]+\\): the rotation starts only on a cluster ` +
          "that works with its current certificates; if the clock is right, renew the expired " +
          "certificates by hand with the cluster's CA, each keeping its key \\(docs/rotation\\.md, " +
          '"Expired certificates"\\), then run pulumi up again$',
      ),
    },
  ];
}

/**
 * The first line of the output that starts with `error: `, without that prefix; Pulumi's own
 * "update failed" (the stack's, printed first) skipped.
 */
export function firstErrorLine(output: string): string {
  const line = output
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l.startsWith("error: ") && l !== "error: update failed");
  return line === undefined ? "" : line.slice("error: ".length);
}
