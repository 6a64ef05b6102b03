/**
 * Shared types of SliceMaker.
 * @module
 */

/** Data sets SliceMaker knows. */
export type Dataset = "kits" | "lits" | "synapse" | "brats";

/** Options of a SliceMaker run (the CLI flags). */
export type SliceOptions = {
  /** Input root (the data set's raw layout). */
  inpath: string;
  /** Output root. */
  outpath: string;
  dataset: Dataset;
  /** kits/lits: `tumor` | `organ`; synapse: `train` | `test`; brats: `volumes`. */
  task: string;
  /** kits/lits: output sub-folder (`train`, `test`, …), as the original's `--mode`. */
  mode: string;
  /** kits/lits: CT slices are resized to sliceSize² (original: 512). */
  sliceSize: number;
  /** Re-do cases that already have a done-marker. */
  force: boolean;
  /** Parallel cases (Web Workers); 1 runs in the calling thread. */
  workers: number;
  /** Deflate `.npz` outputs (as `np.savez_compressed`; the original for kits/lits). */
  compress: boolean;
  /** brats: histogram count threshold of LCKD's intensity truncation (paper 50). */
  histThreshold: number;
};

/** One case to process: its id and input files by role (image, label, flair, …). */
export type CaseJob = { id: string; files: Record<string, string> };

/** What processing one case produced. */
export type CaseResult = {
  id: string;
  /** `done` processed now; `cached` skipped thanks to a done-marker; `skipped` lacked inputs. */
  status: "done" | "cached" | "skipped" | "failed";
  /** Files written (slices or volumes). */
  written: number;
  /** Entries this case contributes to the index list. */
  listed: string[];
  error?: string;
  ms: number;
};

/** Final report of a run. */
export type SliceSummary = {
  cases: number;
  done: number;
  cached: number;
  skipped: number;
  failed: { id: string; error: string }[];
  /** Files written in this run. */
  written: number;
  /** Index list entries in total (this run and cached cases). */
  listed: number;
  /** Index list files written. */
  lists: string[];
  ms: number;
};

/** A typed SliceMaker error naming the case or path and the problem. */
export class SliceError extends Error {
  /**
   * @example
   * ```ts
   * import { SliceError } from "./types.ts";
   * if (new SliceError("case_00001: no segmentation").name !== "SliceError") throw new Error();
   * ```
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Writes one output file, relative to the output folder of the run: either its bytes, or a
 * function that writes the file at the (temporary) path it is given. Writes are atomic.
 */
export type Emit = (
  relPath: string,
  content: Uint8Array | ((tmpPath: string) => Promise<void>),
) => Promise<void>;
