/**
 * Typed errors of the file readers and writers. Every message names the file and what was
 * expected, e.g. `scan.nii.gz: truncated: expected 1048576 bytes of voxel data, found 1000`.
 * @module
 */

/** Base class of every medkd I/O error: `file` is the path, `problem` what went wrong. */
export class IoError extends Error {
  /** The path (or name) of the file concerned. */
  readonly file: string;
  /** What was wrong, without the file name. */
  readonly problem: string;
  /**
   * @example
   * ```ts
   * import { IoError } from "./errors.ts";
   * const e = new IoError("a.bin", "empty file");
   * if (e.message !== "a.bin: empty file") throw new Error(e.message);
   * ```
   */
  constructor(file: string, problem: string, options?: ErrorOptions) {
    super(`${file}: ${problem}`, options);
    this.name = new.target.name;
    this.file = file;
    this.problem = problem;
  }
}

/** A NIfTI file is malformed, truncated or uses an unsupported feature. */
export class NiftiError extends IoError {}
/** A `.npy` / `.npz` file is malformed, truncated or uses an unsupported dtype. */
export class NpyError extends IoError {}
/** An HDF5 file cannot be opened, or a dataset is missing or has an unsupported type. */
export class H5Error extends IoError {}
/** A PNG file is malformed or has an unsupported layout. */
export class PngError extends IoError {}
/** A CSV file is malformed (the problem names the line). */
export class CsvError extends IoError {}
