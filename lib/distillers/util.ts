/**
 * Small tensor helpers shared by the distillers (channels-last).
 *
 * @module
 */
import * as tf from "../tf/tf.ts";
import type { Outputs } from "../training/types.ts";
import { DistillerError } from "./types.ts";

/** Spatial size `[h, w]` of an NHWC tensor. */
export function side(x: tf.Tensor): [number, number] {
  if (x.rank !== 4) throw new DistillerError(`expected an NHWC tensor, got shape [${x.shape}]`);
  return [x.shape[1] as number, x.shape[2] as number];
}

/** Bilinear resize with half-pixel centres (PyTorch `align_corners=False`); no-op if same size. */
export function resizeBilinear(x: tf.Tensor4D, size: [number, number]): tf.Tensor4D {
  if (x.shape[1] === size[0] && x.shape[2] === size[1]) return x;
  return tf.image.resizeBilinear(x, size, false, true);
}

/** Nearest resize as PyTorch `nearest` (source index floor(dst·in/out)); no-op if same size. */
export function resizeNearest(x: tf.Tensor4D, size: [number, number]): tf.Tensor4D {
  if (x.shape[1] === size[0] && x.shape[2] === size[1]) return x;
  return tf.image.resizeNearestNeighbor(x, size, false, false);
}

/** Σ q·(log q − log p) over every element, given log-probabilities (q = exp(logQ)). */
export function klSum(logQ: tf.Tensor, logP: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mul(tf.exp(logQ), tf.sub(logQ, logP)));
}

/** Throw unless two tensors have the same shape. */
export function sameShape(where: string, a: tf.Tensor, b: tf.Tensor): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new DistillerError(`${where}: shapes differ, [${a.shape}] vs [${b.shape}]`);
  }
}

/** Look a tap up (`logits` = output 0) or throw naming the method and the tap. */
export function tap(where: string, out: Outputs | undefined, name: string): tf.Tensor {
  if (!out) throw new DistillerError(`${where}: needs a teacher's outputs`);
  const t = name === "logits" ? out.logits : out.taps[name];
  if (!t) {
    throw new DistillerError(
      `${where}: tap "${name}" missing (have logits, ${Object.keys(out.taps).join(", ")})`,
    );
  }
  return t;
}

/** Uniform(±1/√fanIn) values, PyTorch's default Conv/Linear initialisation, from a seeded Rng. */
export function torchUniform(
  rng: { uniform(lo: number, hi: number): number },
  shape: number[],
  fanIn: number,
): tf.Tensor {
  const bound = 1 / Math.sqrt(fanIn);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.uniform(-bound, bound);
  return tf.tensor(data, shape);
}

/**
 * Identity whose gradient is zero: TF.js has no `stopGradient`, so teacher inputs pass through
 * this before any loss arithmetic and never receive gradients.
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  const f = tf.customGrad(
    ((a: tf.Tensor) => ({
      value: tf.clone(a),
      gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
    })) as unknown as Parameters<typeof tf.customGrad>[0],
  );
  return f(x) as T;
}
