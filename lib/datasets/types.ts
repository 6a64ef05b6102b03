/**
 * Sample and dataset types shared by every study loader, and the typed {@link DatasetError}.
 * @module
 */
import type { Rng } from "../random/mod.ts";

/** A named extra array carried with a sample (clinical vector, peritumoural map …). */
export type Field = { data: Float32Array; shape: number[] };

/**
 * One training/evaluation example. Arrays are channels-last and row-major: `image` has shape
 * `shape` (`[H, W, C]` or `[D, H, W, C]`), `label` has `labelShape` (a dense target such as
 * `[H, W, 2]`, a class/label vector such as `[14]`).
 */
export type Sample = {
  /** Case / slice / image key as the original names it. */
  id: string;
  /** Case the sample belongs to (for per-case metrics / 3D reassembly); defaults to `id`. */
  group?: string;
  image: Float32Array;
  shape: number[];
  label: Float32Array;
  labelShape: number[];
  /** Other per-sample arrays, batched like `image` (e.g. `clinical`, `map`). */
  extra?: Record<string, Field>;
};

/**
 * Random-access data set. `get(i, rng)` returns sample i; all randomness (augmentation, crops)
 * comes from `rng`, which the loader derives from (seed, epoch, position) so results are
 * reproducible and resumable.
 */
export type Dataset<S extends Sample = Sample> = {
  readonly length: number;
  get(index: number, rng: Rng): S | Promise<S>;
};

/**
 * A data set file is missing or inconsistent (shape/affine mismatch, unexpected label values,
 * malformed list). `file` names the file, `problem` what was wrong.
 *
 * @example
 * ```ts
 * import { DatasetError } from "./types.ts";
 * const e = new DatasetError("case_00001/segmentation.nii.gz", "missing");
 * if (e.message !== "case_00001/segmentation.nii.gz: missing") throw new Error(e.message);
 * ```
 */
export class DatasetError extends Error {
  /** The file (or folder) concerned. */
  readonly file: string;
  /** What was wrong, without the file name. */
  readonly problem: string;
  constructor(file: string, problem: string, options?: ErrorOptions) {
    super(`${file}: ${problem}`, options);
    this.name = "DatasetError";
    this.file = file;
    this.problem = problem;
  }
}
