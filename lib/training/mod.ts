/**
 * The one training loop, its optimisers, schedules, progress display and logs.
 * @module
 */
export type { Batch, BatchSource, LossTerms, Outputs } from "./types.ts";
export { loaderSource } from "./source.ts";
export type { ResumableLoader } from "./source.ts";
export { NonFiniteLossError, train, TrainingError } from "./loop.ts";
export type {
  EvalSpec,
  StepRecord,
  TaskLoss,
  TeacherSpec,
  TrainOptions,
  TrainResult,
} from "./loop.ts";
export { clipByGlobalNorm, globalNorm, Optimizer, OptimizerError } from "./optim.ts";
export type { OptimizerConfig, OptimizerState, Update } from "./optim.ts";
export { constantLr, cosineLr, perEpoch, polyLr, stepLr, warmupLr } from "./schedule.ts";
export type { Schedule } from "./schedule.ts";
export { createProgress, formatDuration, formatProgress } from "./progress.ts";
export type { Jupyter, Progress, ProgressInfo, ProgressMode } from "./progress.ts";
export { openRunLog, readRunLog } from "./log.ts";
export type { RunLog } from "./log.ts";
export { loadRunState, saveRunState } from "./run_state.ts";
export { checkpointBytes, dfFreeBytes, PreflightError, preflightOutput } from "./preflight.ts";
export type { PreflightOptions } from "./preflight.ts";
export type { RunParts } from "./run_state.ts";
export { batchTensors, forward, outputNames, tapShapes } from "./step_utils.ts";
