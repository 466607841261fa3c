/** Public API of the twin models: schemas (the single source of the types), the library and validation. */

export * from "./library/index.ts";
export { resolveTwin, type Twin } from "./resolve.ts";
export * from "./schemas/common.ts";
export * from "./schemas/component.ts";
export * from "./schemas/machine.ts";
export * from "./schemas/material.ts";
export * from "./schemas/mold.ts";
export * from "./schemas/plant.ts";
export * from "./schemas/process.ts";
export * from "./schemas/scenario.ts";
export * from "./schemas/sweep.ts";
export * from "./schemas/window.ts";
export { outOfRange, parse } from "./validate.ts";
