// IPv4 arithmetic as AKS Engine does it (pkg/api/defaults.go, pkg/api/common/net.go), on plain
// 32-bit numbers so every step is testable.

/** Parses dotted-quad IPv4 ("10.240.255.5"); undefined for anything else (no leading zeros). */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/**
 * `ip + offset` as a 32-bit address, carrying into higher octets: how AKS Engine places master i
 * at firstConsecutiveStaticIP + i (getNewAddr with offsetMultiplier 1 for availability sets).
 */
export function addIpv4(value: number, offset: number): number {
  return (value + offset) % 2 ** 32;
}

/**
 * Adds to the last octet only, wrapping at 256 without carrying: AKS Engine computes the internal
 * load balancer as `firstMasterIP[3] + DefaultInternalLbStaticIPOffset` on a byte, so
 * 10.240.255.250 gives 10.240.255.4, not 10.241.0.4. Reproduced so the SANs match the cluster.
 */
export function addToLastOctet(value: number, offset: number): number {
  const last = value % 256;
  return value - last + ((last + offset) % 256);
}

/** A CIDR split into its written address and prefix length; undefined if malformed. */
export function parseCidr(text: string): { address: number; prefix: number } | undefined {
  const match = /^([0-9.]+)\/([0-9]{1,2})$/.exec(text);
  if (!match) return undefined;
  const address = parseIpv4(match[1]);
  const prefix = Number(match[2]);
  if (address === undefined || prefix > 32) return undefined;
  return { address, prefix };
}

/** True when the written address of a CIDR has no host bits set (10.0.0.0/16, not 10.0.5.0/16). */
export function isNetworkAddress(cidr: { address: number; prefix: number }): boolean {
  const hostSize = 2 ** (32 - cidr.prefix);
  return cidr.address % hostSize === 0;
}
