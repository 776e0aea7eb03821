// Synthetic `_output/<dnsPrefix>/` folders for the fleet's engine tests: the three-masters
// fixture under another dnsPrefix, a throwaway SSH key and known_hosts pinning every host.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const FIXTURE = path.resolve(__dirname, "../../fixtures/apimodels/three-masters");
const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKey";

/** Writes the folder for `dnsPrefix` under root and returns it; private: no public jump host. */
export function writeOutputFolder(root: string, dnsPrefix: string, priv = false): string {
  const dir = path.join(root, "_output", dnsPrefix);
  fs.mkdirSync(dir, { recursive: true });
  const model = JSON.parse(fs.readFileSync(path.join(FIXTURE, "apimodel.json"), "utf8"));
  model.properties.masterProfile.dnsPrefix = dnsPrefix;
  if (priv)
    model.properties.orchestratorProfile.kubernetesConfig.privateCluster = { enabled: true };
  fs.writeFileSync(path.join(dir, "apimodel.json"), JSON.stringify(model, null, 2));
  fs.copyFileSync(path.join(FIXTURE, "azuredeploy.json"), path.join(dir, "azuredeploy.json"));
  const key = path.join(dir, "azureuser_rsa");
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "fleet-test", "-f", key]);
  const hosts = [
    `${dnsPrefix}.local.cloudapp.azurestack.external`,
    "10.240.255.5",
    ...[0, 1, 2].map((i) => `k8s-master-12345678-${i},10.240.255.${5 + i}`),
    ...[0, 1].map((i) => `k8s-linuxpool-12345678-${i}`),
  ];
  fs.writeFileSync(
    path.join(dir, "known_hosts"),
    hosts.map((h) => `${h} ${HOST_KEY}`).join("\n") + "\n",
  );
  return dir;
}
