// The PKI: pure specs (the project's ca.conf) and the component that issues them.
export * from "./specs";
export { IDENTITIES, fileName, type Identity, type Placement } from "./identities";
export { allowedUses } from "./allowedUses";
export * from "./pki";
