// The only file I/O of the cluster model: finds and reads apimodel.json and azuredeploy.json (and
// apimodel.json.before-rotation, when a rotation left one).
import * as fs from "node:fs";
import * as path from "node:path";
import { InputError, LOCAL_BACKUP_SUFFIX } from "../types";
import type { ClusterModel } from "./model";
import { parseCluster } from "./parse";

export interface ClusterFiles {
  /** The `_output/<dnsPrefix>/` folder or its apimodel.json (like aks-engine --api-model). */
  readonly apiModel: string;
  /** @default - azuredeploy.json next to apimodel.json */
  readonly azureDeploy?: string;
  /** @default - read from azuredeploy.json */
  readonly nameSuffix?: string;
}

/** Resolves `apiModel` (a folder or a file) to the apimodel.json path. */
export function apiModelPath(apiModel: string): string {
  const resolved = path.resolve(apiModel);
  if (fs.existsSync(resolved) && fs.statSync(resolved).isDirectory()) {
    return path.join(resolved, "apimodel.json");
  }
  return resolved;
}

export function loadCluster(files: ClusterFiles): ClusterModel {
  const apiModelFile = apiModelPath(files.apiModel);
  if (!fs.existsSync(apiModelFile)) {
    throw new InputError([
      `${apiModelFile}: file not found. Set config apiModel to the cluster's _output/<dnsPrefix>/ folder or its apimodel.json.`,
    ]);
  }
  const azureDeployFile = path.resolve(
    files.azureDeploy ?? path.join(path.dirname(apiModelFile), "azuredeploy.json"),
  );
  const haveDeploy = fs.existsSync(azureDeployFile);
  const backupFile = apiModelFile + LOCAL_BACKUP_SUFFIX;
  return parseCluster({
    apiModelFile,
    apiModelText: fs.readFileSync(apiModelFile, "utf8"),
    azureDeployFile: haveDeploy || files.nameSuffix === undefined ? azureDeployFile : undefined,
    azureDeployText: haveDeploy ? fs.readFileSync(azureDeployFile, "utf8") : undefined,
    nameSuffix: files.nameSuffix,
    apiModelBackupText: fs.existsSync(backupFile) ? fs.readFileSync(backupFile, "utf8") : undefined,
  });
}
