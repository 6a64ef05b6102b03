/**
 * Options, results and errors of the training loop ({@link train} in `loop.ts`).
 *
 * @module
 */
import type * as tf from "../tf/tf.ts";
import type { Distiller } from "../distillers/types.ts";
import type { Batch, BatchSource, LossTerms, Outputs } from "./types.ts";
import type { OptimizerConfig } from "./optim.ts";
import type { Schedule } from "./schedule.ts";
import type { ProgressMode } from "./progress.ts";
import type { PreflightOptions } from "./preflight.ts";

/** A task loss: one scalar or named terms (summed). */
export type TaskLoss = (out: Outputs, batch: Batch) => tf.Scalar | LossTerms;

/** The teacher: frozen (inference mode, no gradients; default) or co-trained with its own loss. */
export type TeacherSpec = {
  model: tf.LayersModel;
  mode?: "frozen" | "cotrained";
  /** Required when co-trained (MD-Net: the teacher's focal loss). */
  taskLoss?: TaskLoss;
  /**
   * The teacher's input when it differs from the student's (MD-Net's teacher also reads `c`).
   * Tensors it creates (not batch fields) are disposed by the loop after the step.
   */
  input?: (batch: Batch) => tf.Tensor | tf.Tensor[];
};

/** Periodic evaluation: `run` returns metrics; `metric` (max or min) selects the best checkpoint. */
export type EvalSpec = {
  every: number;
  run: (
    ctx: { step: number; student: tf.LayersModel },
  ) => Promise<Record<string, number>> | Record<string, number>;
  metric: string;
  mode?: "max" | "min";
};

/** Everything the loop needs. Steps are counted from 1 (the k-th update is step k). */
export type TrainOptions = {
  student: tf.LayersModel;
  teacher?: TeacherSpec;
  taskLoss: TaskLoss;
  distillers?: { distiller: Distiller; weight?: number }[];
  optimizer: OptimizerConfig;
  /** Learning rate: a schedule of the 0-based iteration index, or a constant. */
  lr: Schedule | number;
  data: BatchSource;
  steps: number;
  seed?: number | string;
  clipNorm?: number;
  /** Model input from a batch (default: `batch.x`, a record ordered by the model's input names); tensors it creates are freed after the step. */
  input?: (batch: Batch) => tf.Tensor | tf.Tensor[];
  /** Run folder: `log.jsonl`, `checkpoints/last`, `checkpoints/best`. */
  runDir?: string;
  checkpointEvery?: number;
  /**
   * Before step 1, check that `runDir` is writable and has room for a checkpoint (a probe file is
   * written, fsynced and removed); `false` skips it. Failure: `PreflightError`.
   */
  preflight?: PreflightOptions | false;
  /** Continue from `runDir/checkpoints/last` when it exists. */
  resume?: boolean;
  /**
   * Begin a new phase from another run's checkpoint directory (e.g. LCKD phase 2 from phase 1's
   * `checkpoints/last`): weights of the student, co-trained teacher, connectors and extra variables,
   * and the optimiser slots unless `optimizer: false`. RNG, data position, distiller state and the
   * best metric start fresh; counting starts at `step` (default: the checkpoint's step). Ignored
   * when `resume` finds this run's own checkpoint.
   */
  startFrom?: { dir: string; step?: number; optimizer?: boolean };
  evaluation?: EvalSpec;
  logEvery?: number;
  progress?: ProgressMode;
  /** Stop (with a checkpoint) once this many seconds have passed. */
  budgetSeconds?: number;
  /** Stop (with a checkpoint) after this many steps in this call (a planned interruption). */
  maxStepsThisRun?: number;
  onStep?: (r: StepRecord) => void;
};

/** What one step produced. */
export type StepRecord = {
  step: number;
  loss: number;
  lr: number;
  gradNorm: number;
  terms: Record<string, number>;
};

/** How a call ended. */
export type TrainResult = {
  step: number;
  reason: "done" | "budget" | "maxStepsThisRun";
  resumedFrom: number | null;
  best: { step: number; value: number; metric: string } | null;
  last: StepRecord | null;
};

/** Thrown when a loss or gradient is NaN/Inf; the update of `step` was not applied. */
export class NonFiniteLossError extends Error {
  constructor(
    readonly step: number,
    readonly terms: Record<string, number>,
    readonly gradNorm: number,
  ) {
    super(
      `step ${step}: non-finite loss or gradient (${
        Object.entries(terms).map(([k, v]) => `${k}=${v}`).join(", ")
      }, grad norm ${gradNorm}); the last good checkpoint is kept`,
    );
    this.name = "NonFiniteLossError";
  }
}

/** Thrown for an unusable configuration or data source. */
export class TrainingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TrainingError";
  }
}
