// apimodel.json + azuredeploy.json → ClusterModel. Pure: takes file contents, returns the model
// or throws an InputError listing every problem found, each naming the file and JSON path.
import { InputError } from "../types";
import { backupCaFacts, caPemOf, readCurrentCertificates } from "./currentCertificates";
import {
  addIpv4,
  addToLastOctet,
  formatIpv4,
  isNetworkAddress,
  parseCidr,
  parseIpv4,
} from "./ipv4";
import { JsonFields, isObject, type Json } from "./jsonFields";
import type { AgentPool, AvailabilityProfile, ClusterModel, ClusterNode } from "./model";
import { availabilitySetAgentName, masterName, scaleSetAgentName, scaleSetPrefix } from "./names";

/** AKS Engine's DefaultInternalLbStaticIPOffset. */
export const INTERNAL_LB_OFFSET = 10;

export interface ClusterSources {
  /** Path shown in messages, and the text of apimodel.json. */
  readonly apiModelFile: string;
  readonly apiModelText: string;
  /** azuredeploy.json; may be absent when `nameSuffix` is given. */
  readonly azureDeployFile?: string;
  readonly azureDeployText?: string;
  /** Operator override for the cluster id (config `nameSuffix`). */
  readonly nameSuffix?: string;
  /** `apimodel.json.before-rotation`, when there is one (the file the last rotation replaced). */
  readonly apiModelBackupText?: string;
}

const FROM_OUTPUT =
  "Use the apimodel.json that aks-engine deploy wrote to _output/<dnsPrefix>/ (it has every default filled in).";

function parseJson(file: string, text: string, what: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (err) {
    throw new InputError([`${file}: not valid JSON (${(err as Error).message}). ${what}`]);
  }
}

export function parseCluster(sources: ClusterSources): ClusterModel {
  const apimodel = readApimodel(sources);
  const f = new JsonFields(sources.apiModelFile);
  // Read in the order the problems are listed: the cluster's names first, then its layout.
  const nameSuffix = readNameSuffix(sources, f.problems);
  const names = readNames(f, apimodel);
  const masterCount = readMasterCount(f, apimodel);
  const firstIp = readMasterLayout(f, apimodel);
  const { serviceCidr, firstServiceIp } = readServiceCidr(f, apimodel);
  const privateCluster =
    f.optionalBoolean(
      apimodel,
      "properties.orchestratorProfile.kubernetesConfig.privateCluster.enabled",
    ) ?? false;
  const agentPools = readAgentPools(f, apimodel, nameSuffix);
  const currentCertificates = readCurrentCertificates(f, apimodel, masterCount);
  const { location, dnsPrefix, adminUsername, dnsSuffix } = names;
  if (
    f.problems.length > 0 ||
    nameSuffix === undefined ||
    location === undefined ||
    dnsPrefix === undefined ||
    adminUsername === undefined ||
    dnsSuffix === undefined ||
    masterCount === undefined ||
    firstIp === undefined ||
    serviceCidr === undefined ||
    firstServiceIp === undefined ||
    agentPools === undefined
  ) {
    throw new InputError(f.problems);
  }
  const masters: ClusterNode[] = Array.from({ length: masterCount }, (_, i) => ({
    name: masterName(nameSuffix, i),
    role: "master",
    index: i,
    ip: formatIpv4(addIpv4(firstIp, i)),
  }));
  const internalLbIp = formatIpv4(addToLastOctet(firstIp, INTERNAL_LB_OFFSET));
  const internalApiServerAddress = masterCount > 1 ? internalLbIp : masters[0].ip!;
  const apiServerFqdn = `${dnsPrefix}.${location}.${dnsSuffix}`;
  return {
    sources: {
      apiModel: sources.apiModelFile,
      apiModelText: sources.apiModelText,
      azureDeploy: sources.azureDeployFile,
    },
    location,
    dnsPrefix,
    nameSuffix,
    adminUsername,
    apiServerFqdn,
    customCloudName: names.customCloudName,
    subjectAltNames: names.subjectAltNames,
    masters,
    agentPools,
    agents: agentPools.flatMap((p) => p.nodes),
    internalLbIp,
    internalApiServerAddress,
    privateCluster,
    kubeconfigServer: `https://${privateCluster ? internalApiServerAddress : apiServerFqdn}`,
    serviceCidr,
    firstServiceIp,
    currentCertificates,
    replacedCa: backupCaFacts(sources.apiModelBackupText),
    caPems: {
      apiModel: caPemOf(sources.apiModelText),
      replaced: caPemOf(sources.apiModelBackupText),
    },
  };
}

/** apimodel.json as a JSON object with a "properties" object, or one clear problem. */
function readApimodel(sources: ClusterSources): { [key: string]: Json } {
  const apimodel = parseJson(
    sources.apiModelFile,
    sources.apiModelText,
    "Point config apiModel at the cluster's _output/<dnsPrefix>/ folder or its apimodel.json.",
  );
  if (!isObject(apimodel)) {
    throw new InputError([`${sources.apiModelFile}: expected a JSON object. ${FROM_OUTPUT}`]);
  }
  // Another of aks-engine's files (azuredeploy.json, azuredeploy.parameters.json) parses too; say
  // which file is wanted rather than list every apimodel field it lacks.
  if (!isObject(apimodel.properties)) {
    throw new InputError([
      `${sources.apiModelFile}: not an AKS Engine apimodel (no "properties" object). Point config apiModel at the cluster's _output/<dnsPrefix>/ folder or its apimodel.json.`,
    ]);
  }
  return apimodel;
}

/** The cluster's names: region, DNS prefix, admin user, the Azure Stack Hub cloud and SANs. */
function readNames(f: JsonFields, apimodel: Json) {
  return {
    location: f.string(apimodel, "location", "Set it to the Azure Stack Hub region (e.g. local)."),
    dnsPrefix: f.string(apimodel, "properties.masterProfile.dnsPrefix", FROM_OUTPUT),
    adminUsername: f.string(apimodel, "properties.linuxProfile.adminUsername", FROM_OUTPUT),
    dnsSuffix: f.string(
      apimodel,
      "properties.customCloudProfile.environment.resourceManagerVMDNSSuffix",
      "This program rotates AKS Engine clusters on Azure Stack Hub (customCloudProfile); " +
        "public-cloud apimodels put one FQDN per Azure region in the API server certificate, which it does not reproduce.",
    ),
    customCloudName:
      f.optionalString(apimodel, "properties.customCloudProfile.environment.name") ??
      "AzureStackCloud",
    subjectAltNames:
      f.optionalStringArray(apimodel, "properties.masterProfile.subjectAltNames") ?? [],
  };
}

/** Masters in an availability set, master-0 at firstConsecutiveStaticIP: that address. */
function readMasterLayout(f: JsonFields, apimodel: Json): number | undefined {
  const masterProfile = f.at(apimodel, "properties.masterProfile.availabilityProfile");
  if (masterProfile !== undefined && masterProfile !== "AvailabilitySet") {
    f.fail(
      "properties.masterProfile.availabilityProfile",
      `${JSON.stringify(masterProfile)} is not supported: only AvailabilitySet masters are (AKS Engine dropped scale-set masters).`,
    );
  }
  const path = "properties.masterProfile.firstConsecutiveStaticIP";
  const firstIpText = f.string(apimodel, path, FROM_OUTPUT);
  if (firstIpText === undefined) return undefined;
  const firstIp = parseIpv4(firstIpText);
  if (firstIp === undefined) {
    f.fail(
      path,
      `${JSON.stringify(firstIpText)} is not an IPv4 address. It is master-0's static IP (default 10.240.255.5).`,
    );
  }
  return firstIp;
}

function readNameSuffix(sources: ClusterSources, problems: string[]): string | undefined {
  const check = (where: string, value: string): string | undefined => {
    if (/^[0-9]{8}$/.test(value)) return value;
    problems.push(
      `${where}: ${JSON.stringify(value)} is not an 8-digit cluster id (the digits in k8s-master-<nameSuffix>-0).`,
    );
    return undefined;
  };
  if (sources.nameSuffix !== undefined) return check("config nameSuffix", sources.nameSuffix);

  const hint =
    "It is the 8-digit cluster id in the VM names (k8s-master-<nameSuffix>-0): point config azureDeploy " +
    "at the cluster's azuredeploy.json, or set config nameSuffix to it.";
  if (sources.azureDeployFile === undefined || sources.azureDeployText === undefined) {
    problems.push(`${sources.azureDeployFile ?? "azuredeploy.json"}: file not found. ${hint}`);
    return undefined;
  }
  const deploy = parseJson(sources.azureDeployFile, sources.azureDeployText, hint);
  const f = new JsonFields(sources.azureDeployFile, "", problems);
  const value = f.at(deploy, "parameters.nameSuffix.defaultValue");
  if (value === undefined || value === null || value === "") {
    f.fail("parameters.nameSuffix.defaultValue", `missing. ${hint}`);
    return undefined;
  }
  if (typeof value !== "string") {
    f.fail("parameters.nameSuffix.defaultValue", `expected a string. ${hint}`);
    return undefined;
  }
  return check(`${sources.azureDeployFile}: parameters.nameSuffix.defaultValue`, value);
}

function readMasterCount(f: JsonFields, apimodel: Json): number | undefined {
  const path = "properties.masterProfile.count";
  const value = f.at(apimodel, path);
  if (value === undefined || value === null) {
    return f.fail(path, `missing. ${FROM_OUTPUT}`);
  }
  if (value !== 1 && value !== 3 && value !== 5) {
    return f.fail(path, `expected 1, 3 or 5 masters, got ${JSON.stringify(value)}.`);
  }
  return value;
}

function readServiceCidr(
  f: JsonFields,
  apimodel: Json,
): { serviceCidr?: string; firstServiceIp?: string } {
  const path = "properties.orchestratorProfile.kubernetesConfig.serviceCidr";
  const text = f.string(apimodel, path, FROM_OUTPUT);
  if (text === undefined) return {};
  // Dual-stack clusters list "v4,v6"; AKS Engine takes the first (primary) family.
  const primary = text.split(",")[0].trim();
  const cidr = parseCidr(primary);
  if (cidr === undefined) {
    f.fail(path, `${JSON.stringify(primary)} is not an IPv4 CIDR (e.g. 10.0.0.0/16).`);
    return {};
  }
  if (!isNetworkAddress(cidr) || cidr.prefix > 30) {
    f.fail(
      path,
      `${JSON.stringify(primary)} is not a network address with room for services (e.g. 10.0.0.0/16).`,
    );
    return {};
  }
  // AKS Engine's CidrStringFirstIP: the written address plus one.
  return { serviceCidr: primary, firstServiceIp: formatIpv4(addIpv4(cidr.address, 1)) };
}

function readAgentPools(
  f: JsonFields,
  apimodel: Json,
  nameSuffix: string | undefined,
): AgentPool[] | undefined {
  const path = "properties.agentPoolProfiles";
  const value = f.at(apimodel, path);
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return f.fail(path, "expected a list of agent pools.");
  const pools: AgentPool[] = [];
  const seen = new Set<string>();
  (value as readonly Json[]).forEach((raw, i) => {
    const p = f.within(`${path}[${i}]`);
    const name = p.string(raw, "name", FROM_OUTPUT);
    const count = p.integer(raw, "count", FROM_OUTPUT);
    const osType = p.optionalString(raw, "osType") ?? "Linux";
    const profile = p.string(raw, "availabilityProfile", FROM_OUTPUT);
    const vmssName = p.optionalString(raw, "vmssName");
    if (name !== undefined && !/^[a-z][a-z0-9]{0,11}$/.test(name)) {
      p.fail(
        "name",
        `${JSON.stringify(name)} is not an AKS Engine pool name (lower-case letters and digits, 1-12, starting with a letter).`,
      );
    }
    if (name !== undefined && seen.has(name))
      p.fail("name", `${JSON.stringify(name)} is used by two pools.`);
    if (name !== undefined) seen.add(name);
    if (osType !== "Linux") {
      p.fail(
        "osType",
        `${JSON.stringify(osType)} is not supported: this program rotates Linux nodes over SSH; remove Windows pools from the rotation or rotate them with aks-engine.`,
      );
    }
    if (
      profile !== undefined &&
      profile !== "AvailabilitySet" &&
      profile !== "VirtualMachineScaleSets"
    ) {
      p.fail(
        "availabilityProfile",
        `expected "AvailabilitySet" or "VirtualMachineScaleSets", got ${JSON.stringify(profile)}.`,
      );
    }
    if (
      name === undefined ||
      count === undefined ||
      profile === undefined ||
      nameSuffix === undefined
    )
      return;
    const availabilityProfile = profile as AvailabilityProfile;
    const scaleSet = availabilityProfile === "VirtualMachineScaleSets";
    const prefix = scaleSet ? (vmssName ?? scaleSetPrefix(name, nameSuffix)) : undefined;
    const nodes: ClusterNode[] = Array.from({ length: count }, (_, index) => ({
      name:
        prefix !== undefined
          ? scaleSetAgentName(prefix, index)
          : availabilitySetAgentName(name, nameSuffix, index),
      role: "agent",
      index,
      pool: name,
    }));
    pools.push({
      name,
      count,
      availabilityProfile,
      instanceNamesAssumed: scaleSet,
      ...(prefix === undefined ? {} : { scaleSetPrefix: prefix }),
      nodes,
    });
  });
  return pools;
}
