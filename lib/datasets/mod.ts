/**
 * Data sets of the five studies, in their original on-disk layouts, plus augmentation and the
 * batching loader. Every loader returns {@link Sample}s (channels-last `Float32Array`s with
 * shapes) through a random-access {@link Dataset}; {@link DataLoader} shuffles (seeded per
 * epoch), batches into NHWC / NDHWC tensors or arrays, prefetches and resumes exactly.
 *
 * | study | raw layout | sliced / cached layout | sample |
 * |---|---|---|---|
 * | KiTS (02) | `listKitsCases`, `loadKitsCase` | `openHlfdSlices` (SliceMaker npz) | `[S, S, 1]`, one-hot `[S, S, 2]` |
 * | LiTS (02) | `listLitsCases`, `loadLitsCase` | `openHlfdSlices` | same |
 * | Synapse (03) | — | `openSynapseTrain` (npz), `openSynapseTest` (h5) | `[S, S, 1]`, ids `[S, S]` |
 * | ChestX-ray14 (04) | `openCxrDataset` (PNG + lists) | — | `[C, C, 3]` or ten-crop `[10, C, C, 3]`, `[14]` |
 * | BraTS (05) | `readBratsDatalist`, `loadBratsCase` | `loadBratsNpz` (SliceMaker cache) | patch `[D, H, W, 4]`, `[D, H, W, 3]` |
 * | HCC (01) | `loadHccCases`, `hccDataset` | — | `[X, Y, Z, 2]`, smoothed `[3]`, extras |
 *
 * Documented simplifications: the BraTS spatial transform and low-resolution simulation use
 * trilinear instead of cubic interpolation (spec 05 §8.16); the HCC torchio affine acts on voxel
 * axes directly (identity affines); 8-bit rounding after PIL resizes is modelled by
 * {@link quantize8}; OpenCV's fixed-point bilinear is modelled in floating point.
 * @module
 */
export * from "./types.ts";
export * from "./nd.ts";
export * from "./augment.ts";
export * from "./augment_3d.ts";
export * from "./augment_brats.ts";
export * from "./loader.ts";
export * from "./files.ts";
export * from "./tables.ts";
export * from "./kits.ts";
export * from "./lits.ts";
export * from "./hlfd_slices.ts";
export * from "./synapse.ts";
export * from "./chestxray14.ts";
export * from "./brats.ts";
export * from "./brats_patch.ts";
export * from "./hcc.ts";
export * from "./presets.ts";
