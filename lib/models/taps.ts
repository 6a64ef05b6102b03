/**
 * Feature taps. TF.js has no forward hooks, so every medkd model is a functional `tf.model`
 * whose outputs are `[logits, ...taps]`, each output named by the layer that produced it
 * (`logits`, then tap names such as `e1`, `s4`, `s4_pre`). The names survive save/load, so the
 * tap list of any loaded model is `modelTaps(model)`.
 *
 * @module
 */
import * as tf from "../tf/tf.ts";

/** Thrown when a tap name is not an output of the model. */
export class TapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TapError";
  }
}

/**
 * Names of a model's feature taps (all outputs after `logits`).
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { modelTaps } from "./taps.ts";
 * const x = tf.input({ shape: [2] });
 * const f = tf.layers.dense({ units: 2, name: "f1" }).apply(x) as tf.SymbolicTensor;
 * const y = tf.layers.dense({ units: 1, name: "logits" }).apply(f) as tf.SymbolicTensor;
 * const m = tf.model({ inputs: x, outputs: [y, f] });
 * if (modelTaps(m).join() !== "f1") throw new Error("bad taps");
 * ```
 */
export function modelTaps(model: tf.LayersModel): string[] {
  return model.outputNames.slice(1);
}

/** Outputs of one forward pass, split into logits and named taps. */
export type Outputs = { logits: tf.Tensor; taps: Record<string, tf.Tensor> };

/**
 * Split the output list of `model.apply`/`predict` into `{ logits, taps }`.
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { splitOutputs } from "./taps.ts";
 * const x = tf.input({ shape: [2] });
 * const f = tf.layers.dense({ units: 2, name: "f1" }).apply(x) as tf.SymbolicTensor;
 * const y = tf.layers.dense({ units: 1, name: "logits" }).apply(f) as tf.SymbolicTensor;
 * const m = tf.model({ inputs: x, outputs: [y, f] });
 * const outs = splitOutputs(m, m.predict(tf.ones([1, 2])) as tf.Tensor[]);
 * if (outs.taps.f1.shape[1] !== 2) throw new Error("bad split");
 * tf.dispose([outs.logits, outs.taps.f1]);
 * ```
 */
export function splitOutputs(model: tf.LayersModel, outs: tf.Tensor | tf.Tensor[]): Outputs {
  const list = Array.isArray(outs) ? outs : [outs];
  const names = model.outputNames;
  if (list.length !== names.length) {
    throw new TapError(`splitOutputs: model has ${names.length} outputs, got ${list.length}`);
  }
  const taps: Record<string, tf.Tensor> = {};
  names.slice(1).forEach((n, i) => (taps[n] = list[i + 1]));
  return { logits: list[0], taps };
}

/** Index of tap `name` in the model's outputs (logits are 0). */
export function tapIndex(model: tf.LayersModel, name: string): number {
  const i = model.outputNames.indexOf(name);
  if (i < 1) {
    throw new TapError(
      `tap "${name}" is not an output of ${model.name} (taps: ${modelTaps(model).join(", ")})`,
    );
  }
  return i;
}

/** Count trainable parameters (BatchNorm running statistics excluded, as the specs count). */
export function countTrainable(model: tf.LayersModel): number {
  return model.trainableWeights.reduce(
    (s, w) => s + (w.shape as number[]).reduce((a, b) => a * b, 1),
    0,
  );
}
