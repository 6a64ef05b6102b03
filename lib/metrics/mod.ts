/**
 * Segmentation and classification metrics that match the reference Python libraries (medpy,
 * MONAI, scikit-learn, scipy), with every convention explicit. Masks are any array-like of 0/1;
 * `shape` is `[x, y, z]` or `[x, y]` with the FIRST axis fastest (NIfTI / Volume order) unless a
 * function's `order: "C"` option says the array is row-major.
 *
 * @module
 */
export { type Mask, MetricsShapeError, squaredEdt } from "./edt.ts";
export { percentile } from "./percentile.ts";
export {
  type Counts,
  dice,
  type EmptyOption,
  iou,
  labelMask,
  multiclassDice,
  overlapCounts,
  perLabel,
  precision,
  recall,
} from "./overlap.ts";
export {
  asd,
  assd,
  BRATS_EMPTY,
  EmptyMaskError,
  type EmptyValues,
  hausdorff,
  hd95,
  type SurfaceConvention,
  type SurfaceDistances,
  surfaceDistances,
  type SurfaceOptions,
  SYNAPSE_LEGACY_EMPTY,
} from "./surface.ts";
export { type CaseMetricOptions, caseMetrics, type ClassScores } from "./multiclass.ts";
export {
  BRATS_MODALITIES,
  BRATS_REGION_LABELS,
  BRATS_REGIONS,
  BRATS_SUBSETS,
  bratsMetrics,
  type BratsRegion,
  bratsRegions,
  type BratsScores,
  composeBratsLabels,
} from "./brats.ts";
export {
  auroc,
  averagePrecision,
  binaryClfCurve,
  ClassificationError,
  type ClfCurve,
  type MultiLabelAuroc,
  multiLabelAuroc,
  type PrCurve,
  prCurve,
  type RocCurve,
  rocCurve,
} from "./classification.ts";
export {
  accuracy,
  argmaxRows,
  type BinaryCounts,
  binaryCounts,
  type BinaryScores,
  binaryScores,
  confusionMatrix,
  youdenThreshold,
} from "./confusion.ts";
export {
  bootstrapCi,
  type DelongResult,
  delongTest,
  type Interval,
  midranks,
  pairedTTest,
  type TestResult,
  wilcoxonSignedRank,
} from "./stats.ts";
export { normalSf, tTwoSidedP } from "./special.ts";
export { CaseAccumulator, summarize, type Summary, type SummaryRow } from "./accumulator.ts";
