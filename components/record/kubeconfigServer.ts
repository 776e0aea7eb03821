// The admin kubeconfig as the machine running `pulumi` reaches the API server. AKS Engine writes
// the public FQDN into it; an operator inside the cloud's network, or the lab's host, may reach
// the API server at another address that the server certificate also names (the internal load
// balancer, a master IP). Pure.
import { isApiServerUrl } from "../config";

/** Returns the kubeconfig (JSON, as AKS Engine writes it) with every cluster's server replaced. */
export function withServer(kubeconfigJson: string, server: string): string {
  if (!isApiServerUrl(server)) {
    throw new Error(
      `operatorApiServerUrl must look like https://<host>[:<port>], got ${JSON.stringify(server)}`,
    );
  }
  const config = JSON.parse(kubeconfigJson) as {
    clusters?: { cluster: { server?: string } }[];
  };
  for (const entry of config.clusters ?? []) entry.cluster.server = server;
  return JSON.stringify(config, null, 4) + "\n";
}
