// The API server certificate's DNS names after the FQDN, in the order AKS Engine writes them
// (pkg/helpers/pki.go): an expectation the unit and the lab tests both check against.
export const KUBERNETES_SERVICE_NAMES: readonly string[] = [
  "localhost",
  "kubernetes",
  "kubernetes.default",
  "kubernetes.default.svc",
  "kubernetes.default.svc.cluster.local",
  "kubernetes.kube-system",
  "kubernetes.kube-system.svc",
  "kubernetes.kube-system.svc.cluster.local",
];
