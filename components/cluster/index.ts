// The cluster model: pure data read from the operator's _output/<dnsPrefix>/ folder.
export * from "./model";
export { parseCluster, INTERNAL_LB_OFFSET, type ClusterSources } from "./parse";
export { loadCluster, apiModelPath, type ClusterFiles } from "./load";
export { certificateFacts } from "./currentCertificates";
export { identifyNode, type NodeIdentity } from "./nodeIdentity";
export {
  compareInventory,
  recognizeNodes,
  type InventoryDiff,
  type LiveNode,
  type NodeListRead,
} from "./inventory";
export {
  takeInventory,
  differenceRefusal,
  type Inventory,
  type InventoryChoice,
  type InventoryReport,
} from "./takeInventory";
