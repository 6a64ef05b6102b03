/**
 * Medical file I/O: NIfTI (`.nii`, `.nii.gz`), NumPy (`.npy`, `.npz`), HDF5, PNG and CSV.
 * Every reader throws a typed {@link IoError} subclass naming the file and the problem.
 * @module
 */

export { CsvError, H5Error, IoError, NiftiError, NpyError, PngError } from "./errors.ts";
export { checkMemoryBudget, memoryBudget, MemoryBudgetError } from "./budget.ts";
export {
  type NiftiDtype,
  type NiftiHeader,
  readNifti,
  readNiftiHeader,
  type Volume,
  type VoxelArray,
  writeNifti,
  type WriteNiftiOptions,
} from "./nifti.ts";
export { affineToQform, baseAffine, type Qform, qformToAffine } from "./nifti_affine.ts";
export {
  encodeNpy,
  type NpyArray,
  type NpyData,
  type NpyDtype,
  type NpyInput,
  type NpyReadOptions,
  parseNpy,
  readNpy,
  writeNpy,
} from "./npy.ts";
export { encodeNpz, type NpzWriteOptions, parseNpz, readNpz, writeNpz } from "./npz.ts";
export { encodeNpyStrings, parseNpyStrings, readNpyStrings } from "./npy_strings.ts";
export { zipBytes, type ZipOptions } from "./zip.ts";
export {
  type H5Array,
  type H5Input,
  type H5ReadOptions,
  type H5WriteOptions,
  readH5,
  readH5Dataset,
  writeH5,
} from "./h5.ts";
export { decodePngBytes, encodePngBytes, type PngImage, readPng, writePng } from "./png.ts";
export { type CsvOptions, type CsvRecord, formatCsv, parseCsv, readCsv, writeCsv } from "./csv.ts";
export {
  encodeSafetensors,
  loadTorchWeights,
  parseSafetensors,
  readSafetensors,
  type SafeDtype,
  type SafeTensor,
  SafetensorsError,
  type TorchLoadReport,
  torchStateDict,
} from "./safetensors.ts";
export {
  CheckpointError,
  loadModel,
  loadTensors,
  loadWeightsInto,
  resolveCheckpointDir,
  saveModel,
  saveTensors,
  writeAtomicDir,
} from "./checkpoint.ts";
