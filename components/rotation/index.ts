// The rotation graph over SSH: phases wired by dependsOn, steps triggered by what they install.
export {
  Rotation,
  buildRotation,
  type RotationArgs,
  type RotationPki,
  type NodeRotationPlan,
} from "./rotation";
export * from "./plan";
export { adminKubeconfig, type AdminKubeconfigInput } from "./kubeconfig";
export { withCertificateProfile, type CertificateProfile } from "./apimodel";
export {
  Rollback,
  buildRollback,
  rollbackArgsFrom,
  rollbackPhases,
  rollbackToken,
  type RollbackArgs,
} from "./rollback";
export {
  buildFinalize,
  finalizeArgsFrom,
  finalizePlan,
  type FinalizeArgs,
  type RotationOutcome,
} from "./finalize";
