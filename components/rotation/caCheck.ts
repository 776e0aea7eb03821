// The pre-flight's CA check (preflight.sh --ca-sha256): which CAs a node's ca.crt may hold when
// the rotation starts, as SHA-256 fingerprints of the DER in lowercase hex, as openssl and
// sha256sum give them on the node. Pure.
import { createHash } from "node:crypto";

/**
 * The CAs of the operator's files: apimodel.json's certificateProfile.caCertificate, and the one
 * in the copy a rotation kept when it persisted its own apimodel.json (`….before-rotation`).
 */
export interface OperatorCas {
  readonly apiModel: string;
  readonly replaced?: string;
}

/** `AB:CD:…` (Node's and openssl's fingerprint form) as `abcd…`. */
export const hexFingerprint = (colonHex: string): string =>
  colonHex.replace(/:/g, "").toLowerCase();

/** SHA-256 of the DER of the first certificate of a PEM text (its base64 body, decoded). */
export function derSha256(pem: string): string {
  const m = /-----BEGIN CERTIFICATE-----([^-]*)-----END CERTIFICATE-----/.exec(pem);
  const der = Buffer.from((m?.[1] ?? "").replace(/\s+/g, ""), "base64");
  return createHash("sha256").update(der).digest("hex");
}

/**
 * The fingerprints preflight.sh accepts, comma-separated, the one its refusal names first:
 * apimodel.json's CA and the rotation's new one (a rerun after an interruption meets nodes that
 * hold the new CA already; apimodel.json is persisted only at the end). Once apimodel.json holds
 * the new CA (persisted), the CA it replaced stands in for it, so the preflight's command line
 * reads the same before and after the persist and a rerun of a finished rotation changes nothing.
 */
export function acceptedCas(operator: OperatorCas, newCa: string): string {
  if (operator.apiModel !== newCa) return `${operator.apiModel},${newCa}`;
  const replaced = operator.replaced;
  return replaced === undefined || replaced === newCa ? newCa : `${replaced},${newCa}`;
}
