// config maxUnavailable: how many agents restart their kubelet, or reboot, at once. A count or
// a percentage of the agents, the way Kubernetes' rolling updates take it.

/** The default: Kubernetes' own for a Deployment's rolling update, so operators know its scale. */
export const DEFAULT_MAX_UNAVAILABLE = "25%";

/** A count of agents, or a percentage of them (rounded down, at least one), as Kubernetes does. */
export type MaxUnavailable = { readonly count: number } | { readonly percent: number };

/** "3" or "25%"; undefined when the text is neither (validation words the error). */
export function parseMaxUnavailable(text: string): MaxUnavailable | undefined {
  const m = /^(\d{1,3})(%?)$/.exec(text.trim());
  if (m === null) return undefined;
  const n = Number(m[1]);
  if (m[2] === "%") return n >= 1 && n <= 100 ? { percent: n } : undefined;
  return n >= 1 ? { count: n } : undefined;
}
