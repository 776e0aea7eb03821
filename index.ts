// Entry point: reads the stack config, builds the components, exports outputs.
export {};
