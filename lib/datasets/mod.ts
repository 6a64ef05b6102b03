/**
 * Data sets of the five studies (raw and sliced layouts), augmentation and the batching loader.
 * @module
 */
export * from "./types.ts";
export * from "./nd.ts";
export * from "./augment.ts";
export * from "./augment_3d.ts";
export * from "./augment_brats.ts";
export * from "./loader.ts";
export * from "./files.ts";
export * from "./kits.ts";
export * from "./lits.ts";
export * from "./brats.ts";
export * from "./brats_patch.ts";
export * from "./hlfd_slices.ts";
export * from "./synapse.ts";
export * from "./chestxray14.ts";
export * from "./tables.ts";
export * from "./hcc.ts";
