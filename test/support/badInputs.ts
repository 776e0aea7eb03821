// Bad input, one row per mistake an operator makes: the input (a change to the cluster's _output
// folder or a config value) and the exact first line the program stops with. Shared by the unit
// test (index.ts under mocks) and the engine test (pulumi preview).
import * as fs from "node:fs";
import * as path from "node:path";

const FIXTURE = path.resolve(__dirname, "../fixtures/apimodels/three-masters");
const FAKE_SSH_KEY =
  "-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key\n-----END OPENSSH PRIVATE KEY-----\n";

/** Pins the jump host and every node of the three-masters fixture, as the lab writes it. */
function knownHosts(nameSuffix: string): string {
  const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKey";
  return [
    `aks-lab.local.cloudapp.azurestack.external ${key}`,
    ...[0, 1, 2].map((i) => `k8s-master-${nameSuffix}-${i},10.240.255.${5 + i} ${key}`),
    ...[0, 1].map((i) => `k8s-linuxpool-${nameSuffix}-${i} ${key}`),
  ].join("\n");
}

type Apimodel = {
  location: string;
  properties: {
    masterProfile: Record<string, unknown>;
    agentPoolProfiles: Record<string, unknown>[];
    orchestratorProfile: { kubernetesConfig: Record<string, unknown> };
    linuxProfile: Record<string, unknown>;
  };
};

/** Rewrites the folder's apimodel.json through `change`. */
function editApimodel(dir: string, change: (a: Apimodel) => void): void {
  const file = path.join(dir, "apimodel.json");
  const apimodel = JSON.parse(fs.readFileSync(file, "utf8")) as Apimodel;
  change(apimodel);
  fs.writeFileSync(file, JSON.stringify(apimodel, null, 2));
}

export interface BadInput {
  readonly name: string;
  /** What the operator got wrong in the _output folder `dir` (a copy of the fixture). */
  readonly files?: (dir: string) => void;
  /** Config set on top of apiModel=<dir> and rotationId=1. */
  readonly config?: Record<string, string>;
  /** The first line of the error after "invalid input: "; `<dir>` stands for the folder. */
  readonly firstLine: string;
}

export const BAD_INPUTS: readonly BadInput[] = [
  {
    name: "missing apimodel.json",
    files: (dir) => fs.rmSync(path.join(dir, "apimodel.json")),
    firstLine:
      "<dir>/apimodel.json: file not found. Set config apiModel to the cluster's _output/<dnsPrefix>/ folder or its apimodel.json.",
  },
  {
    name: "malformed apimodel.json (empty: a deploy that died writing it)",
    files: (dir) => fs.writeFileSync(path.join(dir, "apimodel.json"), ""),
    firstLine:
      "<dir>/apimodel.json: not valid JSON (Unexpected end of JSON input). Point config apiModel at the cluster's _output/<dnsPrefix>/ folder or its apimodel.json.",
  },
  {
    name: "2 masters",
    files: (dir) => editApimodel(dir, (a) => (a.properties.masterProfile.count = 2)),
    firstLine:
      "<dir>/apimodel.json: properties.masterProfile.count: expected 1, 3 or 5 masters, got 2.",
  },
  {
    name: "4 masters",
    files: (dir) => editApimodel(dir, (a) => (a.properties.masterProfile.count = 4)),
    firstLine:
      "<dir>/apimodel.json: properties.masterProfile.count: expected 1, 3 or 5 masters, got 4.",
  },
  {
    name: "no dnsPrefix",
    files: (dir) => editApimodel(dir, (a) => delete a.properties.masterProfile.dnsPrefix),
    firstLine:
      "<dir>/apimodel.json: properties.masterProfile.dnsPrefix: missing. Use the apimodel.json that aks-engine deploy wrote to _output/<dnsPrefix>/ (it has every default filled in).",
  },
  {
    name: "location that is not the apimodel's",
    config: { location: "westus" },
    firstLine:
      'config location: "westus" does not match apimodel.json\'s location "local". Remove the setting or point apiModel at the right cluster.',
  },
  {
    name: "nameSuffix of another cluster",
    files: (dir) => fs.writeFileSync(path.join(dir, "known_hosts"), knownHosts("11858198")),
    firstLine:
      "config nameSuffix: 12345678 names no node in <dir>/known_hosts; its nodes are named with 11858198: set nameSuffix (or azureDeploy) to match.",
  },
  {
    name: "SSH key path that is a directory",
    config: { sshPrivateKeyPath: "<dir>" },
    firstLine:
      "config sshPrivateKeyPath: <dir> is a directory, not the SSH private key. Point it at the key file itself (e.g. <dir>/azureuser_rsa, as aks-engine deploy writes it).",
  },
  {
    name: "no SSH key",
    files: (dir) => fs.rmSync(path.join(dir, "azureuser_rsa")),
    firstLine:
      "config sshPrivateKeyPath: <dir>/azureuser_rsa: file not found. Point it at the key given to aks-engine (--ssh / linuxProfile), or set the key itself with pulumi config set --secret sshPrivateKey.",
  },
  {
    name: "no known_hosts",
    files: (dir) => fs.rmSync(path.join(dir, "known_hosts")),
    firstLine:
      "config sshKnownHostsPath: <dir>/known_hosts: file not found. Pin the host key of the jump host and of every node there (ssh-keyscan through the jump host), or set sshVerifyHostKeys false (not recommended).",
  },
  {
    name: "keySize 1024",
    config: { keySize: "1024" },
    firstLine: 'config keySize: expected 2048, 3072 or 4096, got "1024".',
  },
  {
    name: "validityHours 0",
    config: { validityHours: "0" },
    firstLine: 'config validityHours: expected a whole number from 24 to 878400, got "0".',
  },
  {
    name: "earlyRenewalHours above validityHours",
    config: { validityHours: "8760", earlyRenewalHours: "10000" },
    firstLine:
      "config earlyRenewalHours: 10000 is not below validityHours (8760): every certificate would be due for renewal at birth.",
  },
  {
    name: "unknown action",
    config: { action: "restore" },
    firstLine: 'config action: expected "rotate", "rollback", "finalize", got "restore".',
  },
  {
    name: "unknown rebootStrategy",
    config: { rebootStrategy: "sometimes" },
    firstLine: 'config rebootStrategy: expected "rolling", "all", "none", got "sometimes".',
  },
  {
    name: "maxUnavailable 0 (no agent could ever go)",
    config: { maxUnavailable: "0" },
    firstLine:
      'config maxUnavailable: expected a number of agents (1 or more) or a percentage of them ("25%"), got "0".',
  },
  {
    name: "a Windows pool",
    files: (dir) =>
      editApimodel(dir, (a) =>
        a.properties.agentPoolProfiles.push({
          name: "winpool",
          count: 1,
          vmSize: "Standard_D2_v2",
          osType: "Windows",
          availabilityProfile: "AvailabilitySet",
        }),
      ),
    firstLine:
      '<dir>/apimodel.json: properties.agentPoolProfiles[1].osType: "Windows" is not supported: this program rotates Linux nodes over SSH; remove Windows pools from the rotation or rotate them with aks-engine.',
  },
  {
    name: "VMSS masters",
    files: (dir) =>
      editApimodel(
        dir,
        (a) => (a.properties.masterProfile.availabilityProfile = "VirtualMachineScaleSets"),
      ),
    firstLine:
      '<dir>/apimodel.json: properties.masterProfile.availabilityProfile: "VirtualMachineScaleSets" is not supported: only AvailabilitySet masters are (AKS Engine dropped scale-set masters).',
  },
  {
    name: "no rotationId",
    config: { rotationId: "" },
    firstLine:
      "config rotationId: missing. Set it to any label, and change it whenever you want new certificates: pulumi config set rotationId 1",
  },
  {
    name: "SSH key in the config in plain text (no --secret)",
    config: { sshPrivateKey: FAKE_SSH_KEY },
    firstLine:
      "config sshPrivateKey: is stored in plain text. Remove it and set it again with: pulumi config set --secret sshPrivateKey …",
  },
  {
    name: "SSH key path that names the public key",
    files: (dir) =>
      fs.writeFileSync(
        path.join(dir, "azureuser_rsa.pub"),
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPublic azureuser\n",
      ),
    config: { sshPrivateKeyPath: "<dir>/azureuser_rsa.pub" },
    firstLine:
      "config sshPrivateKeyPath: <dir>/azureuser_rsa.pub: not a PEM or OpenSSH private key.",
  },
  {
    name: "known_hosts with a line that is not a host key",
    files: (dir) =>
      fs.appendFileSync(path.join(dir, "known_hosts"), "\nk8s-linuxpool-12345678-1\n"),
    firstLine:
      'config sshKnownHostsPath: <dir>/known_hosts: line 7: expected "<hosts> <key type> <base64 key>".',
  },
  {
    name: "known_hosts without one agent",
    files: (dir) =>
      fs.writeFileSync(
        path.join(dir, "known_hosts"),
        knownHosts("12345678")
          .split("\n")
          .filter((l) => !l.startsWith("k8s-linuxpool-12345678-1 "))
          .join("\n"),
      ),
    firstLine:
      "config sshKnownHostsPath: <dir>/known_hosts pins no host key for k8s-linuxpool-12345678-1. Add them (ssh-keyscan through the jump host) before rotating.",
  },
  {
    name: "nameSuffix that is not 8 digits",
    config: { nameSuffix: "1234" },
    firstLine:
      'config nameSuffix: "1234" is not an 8-digit cluster id (the digits in k8s-master-<nameSuffix>-0).',
  },
  {
    name: "sshUser that is not a user name",
    config: { sshUser: "Azure User" },
    firstLine: 'config sshUser: "Azure User" is not a Linux user name.',
  },

  {
    name: "sshPerDialTimeoutSeconds 0",
    config: { sshPerDialTimeoutSeconds: "0" },
    firstLine: 'config sshPerDialTimeoutSeconds: expected a whole number from 1 to 600, got "0".',
  },
  {
    name: "rebootTimeoutSeconds 0",
    config: { rebootTimeoutSeconds: "0" },
    firstLine: 'config rebootTimeoutSeconds: expected a whole number from 10 to 86400, got "0".',
  },
  {
    name: "operatorApiServerUrl that is not an https URL",
    config: { operatorApiServerUrl: "10.240.255.15:443" },
    firstLine:
      'config operatorApiServerUrl: "10.240.255.15:443" is not https://<host>[:<port>] (no path).',
  },
  {
    name: "no azuredeploy.json and no nameSuffix",
    files: (dir) => fs.rmSync(path.join(dir, "azuredeploy.json")),
    firstLine:
      "<dir>/azuredeploy.json: file not found. It is the 8-digit cluster id in the VM names (k8s-master-<nameSuffix>-0): point config azureDeploy at the cluster's azuredeploy.json, or set config nameSuffix to it.",
  },
  {
    name: "a private cluster without jumpHost",
    files: (dir) =>
      editApimodel(
        dir,
        (a) =>
          (a.properties.orchestratorProfile.kubernetesConfig.privateCluster = { enabled: true }),
      ),
    firstLine:
      "config jumpHost: missing. A private cluster has no public SSH endpoint: set it to a host that reaches the masters (e.g. the jumpbox of privateCluster.jumpboxProfile).",
  },
  {
    name: "apiModel that names azuredeploy.json",
    config: { apiModel: "<dir>/azuredeploy.json" },
    firstLine:
      '<dir>/azuredeploy.json: not an AKS Engine apimodel (no "properties" object). Point config apiModel at the cluster\'s _output/<dnsPrefix>/ folder or its apimodel.json.',
  },
  {
    name: "no adminUsername in apimodel.json",
    files: (dir) => editApimodel(dir, (a) => delete a.properties.linuxProfile.adminUsername),
    firstLine:
      "<dir>/apimodel.json: properties.linuxProfile.adminUsername: missing. Use the apimodel.json that aks-engine deploy wrote to _output/<dnsPrefix>/ (it has every default filled in).",
  },
];

/** The good folder every row starts from: the fixture, its admin key, known_hosts pinning all. */
export function writeGoodOutputFolder(dir: string): void {
  for (const f of ["apimodel.json", "azuredeploy.json"]) {
    fs.copyFileSync(path.join(FIXTURE, f), path.join(dir, f));
  }
  fs.writeFileSync(path.join(dir, "azureuser_rsa"), FAKE_SSH_KEY, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, "known_hosts"), knownHosts("12345678"));
}

/** The row's config with `<dir>` replaced. */
export function rowConfig(row: BadInput, dir: string): Record<string, string> {
  const config = { apiModel: dir, rotationId: "1", ...row.config };
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, v.replace("<dir>", dir)]));
}
