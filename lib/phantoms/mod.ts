/**
 * Procedural phantoms written in each study's original on-disk layout, so every command and
 * notebook runs end to end without the real data. Each study has a pure generator (arrays,
 * volumes, tables; deterministic per seed and case index) and a `write*` function.
 * @module
 */
export {
  KITS_DEMO,
  KITS_HU,
  type KitsCase,
  kitsCase,
  type KitsGrid,
  kitsJson,
  kitsSplit,
  writeKits,
} from "./kits.ts";
export {
  LITS_DEMO,
  LITS_HU,
  type LitsCase,
  litsCase,
  type LitsGrid,
  litsSplit,
  writeLits,
} from "./lits.ts";
export {
  SYNAPSE_CLASSES,
  SYNAPSE_DEMO,
  SYNAPSE_TEST_CASES,
  SYNAPSE_TRAIN_CASES,
  synapseSliceName,
  synapseSplit,
  type SynapseVolume,
  synapseVolume,
  writeSynapse,
} from "./synapse.ts";
export {
  CXR_DEMO,
  CXR_FINDINGS,
  type CxrImage,
  cxrListText,
  cxrPatient,
  cxrSignatures,
  type CxrSplits,
  cxrSplits,
  DATA_ENTRY_HEADER,
  dataEntryCsv,
  findingLabels,
  writeChestXray14,
} from "./chestxray14.ts";
export {
  BRATS_DEMO,
  BRATS_MEANS,
  BRATS_MODALITIES,
  type BratsCase,
  bratsCase,
  bratsCaseDir,
  bratsDatalists,
  type BratsGroup,
  bratsGroup,
  bratsId,
  type BratsModality,
  writeBrats,
} from "./brats.ts";
export {
  HCC_DEMO,
  type HccCase,
  hccCase,
  hccClass,
  hccClinicalRows,
  hccFolds,
  hccLabelRows,
  hccSevenRows,
  writeHcc,
} from "./hcc.ts";
export { type CxrAnatomy, type CxrSignatures, renderCxr } from "./cxr_render.ts";
export { PhantomError } from "./draw.ts";
export type { PhantomOptions, PhantomProgress, PhantomResult } from "./options.ts";
export { PHANTOM_STUDIES, type PhantomStudy, writePhantom } from "./registry.ts";
