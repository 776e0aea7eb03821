// VM (= node) names as AKS Engine builds them (pkg/api/types.go GetMasterVMNameList,
// GetAgentVMPrefix). The orchestrator part of every name is "k8s".

export function masterName(nameSuffix: string, index: number): string {
  return `k8s-master-${nameSuffix}-${index}`;
}

/** Availability-set Linux agent: `k8s-<pool>-<nameSuffix>-<i>`. */
export function availabilitySetAgentName(pool: string, nameSuffix: string, index: number): string {
  return `k8s-${pool}-${nameSuffix}-${index}`;
}

/**
 * Scale-set Linux agent: the computer-name prefix (`k8s-<pool>-<nameSuffix>-vmss`, or the pool's
 * vmssName) followed by the instance id in base 36, zero-padded to 6 characters, as Azure names
 * scale-set instances.
 */
export function scaleSetAgentName(prefix: string, instanceId: number): string {
  return `${prefix}${instanceId.toString(36).padStart(6, "0")}`;
}

export function scaleSetPrefix(pool: string, nameSuffix: string): string {
  return `k8s-${pool}-${nameSuffix}-vmss`;
}
