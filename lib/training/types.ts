/**
 * Plain data types shared by the training loop, the distillers and the data loaders.
 *
 * @module
 */
import type * as tf from "../tf/tf.ts";

/**
 * One batch. `x` is the model input (a tensor, or named tensors for multi-input models), `y` the
 * target; loaders may add more fields (clinical vectors, present-modality lists, case ids…).
 * The loop disposes every tensor it finds in `x`, `y` and the top level after the step.
 */
export type Batch = {
  x: tf.Tensor | Record<string, tf.Tensor>;
  y: tf.Tensor;
  [key: string]: unknown;
};

/**
 * What the loop needs from a data loader: an endless (or epoch-long) async iterator of batches plus
 * a resumable position. `state()` must describe the position *after* the last batch handed out
 * (JSON-serialisable: epoch, index, RNG state…); `restore(state)` on a fresh source makes the next
 * batch the one that would have followed. The iterator may end; the loop then calls
 * `[Symbol.asyncIterator]()` again for the next epoch.
 */
export type BatchSource = AsyncIterable<Batch> & {
  state(): unknown;
  restore(state: unknown): void;
};

/** A model's outputs split into logits (output 0) and named taps (outputs 1…, by output name). */
export type Outputs = {
  logits: tf.Tensor;
  taps: Record<string, tf.Tensor>;
};

/** Named scalar loss terms (e.g. `{ tckd, nckd }`); their sum is the method's loss. */
export type LossTerms = Record<string, tf.Scalar>;
