// The cluster model: pure data read from the operator's _output/<dnsPrefix>/ folder.
export * from "./model";
export { parseCluster, INTERNAL_LB_OFFSET, type ClusterSources } from "./parse";
export { loadCluster, apiModelPath, type ClusterFiles } from "./load";
export { certificateFacts } from "./currentCertificates";
