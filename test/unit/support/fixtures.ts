// Paths of the synthetic apimodels under test/fixtures and helpers to load them.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadCluster, type ClusterModel } from "../../../components/cluster";

export const FIXTURES = path.resolve(__dirname, "../../fixtures");

export type FixtureName = "one-master" | "three-masters" | "five-masters";

export function fixtureDir(name: FixtureName): string {
  return path.join(FIXTURES, "apimodels", name);
}

export function fixtureCluster(name: FixtureName): ClusterModel {
  return loadCluster({ apiModel: fixtureDir(name) });
}

export function fixtureText(name: FixtureName, file = "apimodel.json"): string {
  return fs.readFileSync(path.join(fixtureDir(name), file), "utf8");
}

/** A fresh temporary folder, removed by the returned cleanup function. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aks-rotate-unit-"));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
