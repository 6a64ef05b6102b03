/** Finite-difference gradient checks for layers (tiny shapes, float32 tolerances). */
import assert from "node:assert/strict";
import * as tf from "../../lib/tf/tf.ts";
import { createRng } from "../../lib/random/mod.ts";

/**
 * Compare d(sum(layer(x)·R))/dx and /dw (each trainable weight) with central differences at a
 * few random coordinates. `inputs` may be a list for multi-input layers (only the first is
 * differentiated).
 */
export function checkLayerGradients(
  layer: tf.layers.Layer,
  inputs: tf.Tensor[],
  opts: { h?: number; tol?: number; samples?: number; seed?: number } = {},
): void {
  const h = opts.h ?? 1e-2, tol = opts.tol ?? 2e-2, samples = opts.samples ?? 5;
  const rng = createRng(opts.seed ?? 7);
  const run = (xs: tf.Tensor[]) => layer.apply(xs.length === 1 ? xs[0] : xs) as tf.Tensor;
  const probe = tf.tidy(() => run(inputs));
  const r = tf.tensor(Array.from({ length: probe.size }, () => rng.normal()), probe.shape);
  probe.dispose();
  const f = (x0: tf.Tensor) => tf.sum(tf.mul(run([x0, ...inputs.slice(1)]), r)) as tf.Scalar;
  const scalar = (x0: tf.Tensor) => tf.tidy(() => f(x0).dataSync()[0]);
  const close = (a: number, n: number, what: string) =>
    assert.ok(
      Math.abs(a - n) <= tol * (1 + Math.abs(n)),
      `${layer.name} ${what}: analytic ${a} vs numeric ${n}`,
    );

  // Input gradient.
  const x = inputs[0];
  const g = tf.tidy(() => tf.grad(f)(x));
  const gv = g.dataSync(), xv = x.dataSync();
  for (let s = 0; s < samples; s++) {
    const i = rng.int(0, x.size);
    const plus = Float32Array.from(xv), minus = Float32Array.from(xv);
    plus[i] += h;
    minus[i] -= h;
    const xp = tf.tensor(plus, x.shape), xm = tf.tensor(minus, x.shape);
    close(gv[i], (scalar(xp) - scalar(xm)) / (2 * h), `dx[${i}]`);
    xp.dispose();
    xm.dispose();
  }
  g.dispose();

  // Weight gradients.
  for (const lw of layer.trainableWeights) {
    const v = lw.read() as tf.Variable;
    const { grads } = tf.variableGrads(() => f(x), [v]);
    const dv = grads[v.name].dataSync();
    const orig = v.dataSync().slice();
    for (let s = 0; s < Math.min(samples, 3); s++) {
      const i = rng.int(0, v.size);
      const t = Float32Array.from(orig);
      t[i] = orig[i] + h;
      tf.tidy(() => v.assign(tf.tensor(t, v.shape)));
      const fp = scalar(x);
      t[i] = orig[i] - h;
      tf.tidy(() => v.assign(tf.tensor(t, v.shape)));
      const fm = scalar(x);
      tf.tidy(() => v.assign(tf.tensor(orig, v.shape)));
      close(dv[i], (fp - fm) / (2 * h), `d${lw.name}[${i}]`);
    }
    tf.dispose(grads);
  }
  r.dispose();
}

/** Deterministic random tensor. */
export function randn(shape: number[], seed: number): tf.Tensor {
  const rng = createRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Array.from({ length: n }, () => rng.normal()), shape);
}
