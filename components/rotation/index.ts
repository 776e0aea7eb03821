// The rotation as data (planRotation: phases of steps, pure) and its one creation loop
// (realize), under the Rotation and Rollback components.
export { Rotation, Rollback, buildPlan, planInput, type RotationArgs } from "./rotation";
export type { RotationPki } from "./content";
export {
  planRotation,
  planSteps,
  nodePlans,
  nodePhases,
  type NodeRotationPlan,
} from "./planRotation";
export { STAGED_PHASES } from "./stagedPlan";
export { planNodes, nodeIndex } from "./planNodes";
export { finalizePlan } from "./finalizePlan";
export { rollbackToken } from "./rollbackPlan";
export type * from "./planTypes";
export * from "./phases";
export { adminKubeconfig, type AdminKubeconfigInput } from "./kubeconfig";
export { withCertificateProfile, type CertificateProfile } from "./apimodel";
export { agentBatches, batchSize, describeBatch } from "./batches";
export {
  bundleKubeconfig,
  bundleKubeconfigPath,
  caBundlePem,
  replacedCaPem,
  type BundleKubeconfigInput,
  type OperatorCaPems,
} from "./bundleKubeconfig";
export { HAND_OUT_ID } from "./stagedPlan";
