// Reaching nodes: connections, the stage bundle, delivered scripts and remote steps.
export * from "./connection";
export * from "./bundle";
export * from "./scripts";
export * from "./step";
export * from "./commands";
export * from "./probe";
export * from "./failure";
