/**
 * SliceMaker: the original studies' slicing / preprocessing of raw data sets (HLFD's
 * `SliceMaker.py` for KiTS / LiTS, TransUNet's Synapse preparation, LCKD's BraTS
 * normalisation), with parallel workers, resumable runs and atomic outputs. CLI:
 * `deno task slice --help`.
 * @module
 */
export type { CaseJob, CaseResult, Dataset, Emit, SliceOptions, SliceSummary } from "./types.ts";
export { SliceError } from "./types.ts";
export { runSliceMaker, SLICE_DEFAULTS } from "./run.ts";
export type { SliceHooks } from "./run.ts";
export { discoverCases } from "./discover.ts";
export { markerPath, outputDir, processCase, writeAtomic } from "./case.ts";
export { kitsListName, sliceKitsCase } from "./kits.ts";
export type { KitsSliceOptions } from "./kits.ts";
export { BTCV_TO_SYNAPSE, sliceSynapseCase, synapseListName } from "./synapse.ts";
export { BRATS_MODALITIES, sliceBratsCase, truncateHistogram } from "./brats.ts";
export { createProgress, formatSummary } from "./progress.ts";
export type { Progress } from "./progress.ts";
