/**
 * The `Distiller` contract: which taps a method reads, which connectors it trains, and its loss
 * as named terms (each term is logged; their weighted sum enters the total loss).
 *
 * @module
 */
import type * as tf from "../tf/tf.ts";
import type { Rng } from "../random/mod.ts";
import type { Batch, LossTerms, Outputs } from "../training/types.ts";

/** Shapes of the taps (batch axis included, may be `null`), by tap name; `logits` included. */
export type TapShapes = Record<string, (number | null)[]>;

/** Passed to {@link Distiller.build}. `rng` is a stream reserved for this distiller. */
export type BuildContext = {
  studentShapes: TapShapes;
  teacherShapes: TapShapes;
  rng: Rng;
};

/**
 * Passed to {@link Distiller.loss}: `step` = updates completed so far (0 on the first update),
 * `rng` = the loop's checkpointed stream.
 */
export type StepContext = { step: number; rng: Rng };

/** Extra trainable variables a method owns outside its connectors (MD-Net's feature weights). */
export type VariableGroup = { variables: tf.Variable[]; lr?: number };

/**
 * A distillation method, in the spirit of mdistiller's wrappers: the loop runs the teacher
 * without gradients (or co-trains it), then calls `loss`.
 */
export type Distiller = {
  name: string;
  /** Tap names it reads (`logits` means output 0). */
  taps: { student: string[]; teacher: string[] };
  /** Build connectors (trained with the student's optimiser); `[]` when it has none. */
  build(ctx: BuildContext): tf.LayersModel[];
  /**
   * Named loss terms, already multiplied by the method's internal factors (warm-up, α/β…) but not
   * by the preset's weight. `t` is undefined when the method needs no teacher model (LCKD).
   * Teacher tensors are detached here.
   */
  loss(s: Outputs, t: Outputs | undefined, batch: Batch, ctx: StepContext): LossTerms;
  /** Extra variables with an optional fixed learning rate (otherwise the schedule's). */
  variables?(): VariableGroup[];
  /** Hook after each optimiser step (LCKD's teacher election). */
  afterStep?(ctx: { step: number }): void | Promise<void>;
  /** JSON state to checkpoint (besides connector and extra variables). */
  state?(): unknown;
  restore?(state: unknown): void;
  /** Free tensors the distiller owns. */
  dispose?(): void;
};

/** Thrown when a distiller gets a tap it cannot use (missing, wrong rank or shape). */
export class DistillerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DistillerError";
  }
}
