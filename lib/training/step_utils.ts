/**
 * Helpers of the training loop: forward passes into named {@link Outputs}, tap shapes, loss
 * terms, batch disposal.
 *
 * @module
 */
import * as tf from "../tf/tf.ts";
import type { TapShapes } from "../distillers/types.ts";
import type { Batch, LossTerms, Outputs } from "./types.ts";

/**
 * Names of a model's outputs: `logits` for output 0, then the output layers' names (the model
 * zoo names its tap layers after the taps).
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { outputNames } from "./step_utils.ts";
 * const x = tf.input({ shape: [2] });
 * const f = tf.layers.dense({ units: 3, name: "feat" }).apply(x) as tf.SymbolicTensor;
 * const z = tf.layers.dense({ units: 1, name: "head" }).apply(f) as tf.SymbolicTensor;
 * const m = tf.model({ inputs: x, outputs: [z, f] });
 * if (outputNames(m).join() !== "logits,feat") throw new Error(outputNames(m).join());
 * ```
 */
export function outputNames(model: tf.LayersModel): string[] {
  return model.outputNames.map((n, i) => (i === 0 ? "logits" : n));
}

/**
 * Run a model and split its outputs into logits and named taps.
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { forward } from "./step_utils.ts";
 * const x = tf.input({ shape: [2] });
 * const f = tf.layers.dense({ units: 3, name: "feat" }).apply(x) as tf.SymbolicTensor;
 * const z = tf.layers.dense({ units: 1, name: "head" }).apply(f) as tf.SymbolicTensor;
 * const out = forward(tf.model({ inputs: x, outputs: [z, f] }), tf.ones([4, 2]), false);
 * if (out.taps.feat.shape.join() !== "4,3" || out.logits.shape.join() !== "4,1") throw new Error();
 * ```
 */
export function forward(
  model: tf.LayersModel,
  x: tf.Tensor | tf.Tensor[],
  training: boolean,
): Outputs {
  const out = model.apply(x, { training }) as tf.Tensor | tf.Tensor[];
  const list = Array.isArray(out) ? out : [out];
  const names = outputNames(model);
  const taps: Record<string, tf.Tensor> = {};
  for (let i = 1; i < list.length; i++) taps[names[i]] = list[i];
  return { logits: list[0], taps };
}

/**
 * Symbolic output shapes by tap name (`logits` for output 0).
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { tapShapes } from "./step_utils.ts";
 * const x = tf.input({ shape: [2] });
 * const z = tf.layers.dense({ units: 3, name: "head" }).apply(x) as tf.SymbolicTensor;
 * if (tapShapes(tf.model({ inputs: x, outputs: z })).logits.join() !== ",3") throw new Error();
 * ```
 */
export function tapShapes(model: tf.LayersModel): TapShapes {
  const names = outputNames(model);
  return Object.fromEntries(model.outputs.map((o, i) => [names[i], o.shape]));
}

/**
 * Add a task loss (scalar or terms) to `into` under `prefix` (`task` or `task.<term>`).
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { toTerms } from "./step_utils.ts";
 * const into: Record<string, tf.Scalar> = {};
 * toTerms(into, "task", { ce: tf.scalar(1), dice: tf.scalar(2) });
 * if (Object.keys(into).join() !== "task.ce,task.dice") throw new Error();
 * ```
 */
export function toTerms(
  into: Record<string, tf.Scalar>,
  prefix: string,
  l: tf.Scalar | LossTerms,
): void {
  if (l instanceof tf.Tensor) into[prefix] = l;
  else for (const [k, v] of Object.entries(l)) into[`${prefix}.${k}`] = v;
}

/**
 * Every tensor of a batch (x, y and top-level tensor fields), for disposal.
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { batchTensors } from "./step_utils.ts";
 * const b = { x: { a: tf.ones([1]) }, y: tf.ones([1]), clinical: tf.ones([1]), ids: ["c1"] };
 * if (batchTensors(b).length !== 3) throw new Error();
 * ```
 */
export function batchTensors(b: Batch): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  for (const v of Object.values(b)) {
    if (v instanceof tf.Tensor) out.push(v);
    else if (v && typeof v === "object" && !Array.isArray(v)) {
      for (const w of Object.values(v)) if (w instanceof tf.Tensor) out.push(w);
    }
  }
  return out;
}
