// The cluster-side record of a rotation, through @pulumi/kubernetes.
export {
  ClusterRecord,
  RECORD_NAME,
  RECORD_NAMESPACE,
  type ClusterRecordArgs,
} from "./clusterRecord";
export { withServer } from "./kubeconfigServer";
