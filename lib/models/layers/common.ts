/**
 * Shared pieces of medkd's custom layers: the constructor argument type, a single-input helper
 * and the initialiser description stored in layer configs.
 *
 * @module
 */
import * as tf from "../../tf/tf.ts";

/** A TF.js initialiser instance. */
export type Initializer = ReturnType<typeof tf.initializers.zeros>;

/** Keras-style base layer arguments (`name`, `trainable`, `inputShape`, …). */
export type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** Serializable description of an initialiser; `seed` makes random ones reproducible. */
export type InitSpec =
  | { kind: "zeros" }
  | { kind: "ones" }
  | { kind: "constant"; value: number }
  | { kind: "uniform"; bound: number; seed: number }
  | { kind: "normal"; std: number; seed: number }
  | { kind: "truncnormal"; std: number; seed: number };

/** Thrown by custom layers for bad configuration or input shapes. */
export class LayerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LayerConfigError";
  }
}

/**
 * A TF.js initialiser for `spec` (uniform is U(−bound, bound); truncated normal cuts at 2 std).
 *
 * @example
 * ```ts
 * import { makeInit } from "./common.ts";
 * const init = makeInit({ kind: "constant", value: 2 });
 * const t = init.apply([2]);
 * if (t.dataSync()[1] !== 2) throw new Error("bad init");
 * t.dispose();
 * ```
 */
export function makeInit(spec: InitSpec): Initializer {
  switch (spec.kind) {
    case "zeros":
      return tf.initializers.zeros();
    case "ones":
      return tf.initializers.ones();
    case "constant":
      return tf.initializers.constant({ value: spec.value });
    case "uniform":
      return tf.initializers.randomUniform({
        minval: -spec.bound,
        maxval: spec.bound,
        seed: spec.seed,
      });
    case "normal":
      return tf.initializers.randomNormal({ mean: 0, stddev: spec.std, seed: spec.seed });
    case "truncnormal":
      return tf.initializers.truncatedNormal({ mean: 0, stddev: spec.std, seed: spec.seed });
  }
}

/** The one tensor of a single-input layer call. */
export function single(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? inputs[0] : inputs;
}

/** The one shape of a single-input layer. */
export function singleShape(s: tf.Shape | tf.Shape[]): tf.Shape {
  return Array.isArray(s[0]) ? (s as tf.Shape[])[0] : (s as tf.Shape);
}

/** Last dimension of a shape, which must be known. */
export function channels(s: tf.Shape, layer: string): number {
  const c = s[s.length - 1];
  if (c == null) throw new LayerConfigError(`${layer}: channel dimension must be known`);
  return c;
}
