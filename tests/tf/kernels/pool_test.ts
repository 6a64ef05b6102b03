import assert from "node:assert/strict";
import { tf } from "../../../lib/tf/mod.ts";
import { compareWithReference, createRng, randn, setup } from "./_util.ts";

type P = [number, number];

Deno.test("MaxPool / AvgPool 2D and gradients match TF.js", async () => {
  await setup();
  const rng = createRng(31);
  const cases: [number[], P, P, "same" | "valid"][] = [
    [[2, 8, 8, 3], [2, 2], [2, 2], "valid"],
    [[1, 7, 9, 2], [3, 3], [2, 2], "same"],
    [[2, 9, 7, 4], [3, 2], [1, 2], "valid"],
    [[1, 5, 5, 1], [3, 3], [1, 1], "same"],
  ];
  for (const [shape, f, s, pad] of cases) {
    const x = randn(rng, shape) as tf.Tensor4D;
    const y0 = tf.maxPool(x, f, s, pad);
    const r = randn(rng, y0.shape);
    y0.dispose();
    const label = `pool2d ${shape} f${f} s${s} ${pad}`;
    await compareWithReference(label, () => [tf.maxPool(x, f, s, pad), tf.avgPool(x, f, s, pad)]);
    const gm = tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, f, s, pad).mul(r).sum());
    await compareWithReference(`${label} max grad`, () => [gm(x)]);
    if (pad === "valid") { // TF.js's reference avg gradient ignores same-padding clipping
      const ga = tf.grad((t: tf.Tensor) => tf.avgPool(t as tf.Tensor4D, f, s, pad).mul(r).sum());
      await compareWithReference(`${label} avg grad`, () => [ga(x)]);
    }
    tf.dispose([x, r]);
  }
});

Deno.test("AvgPool 'same' gradient is the exact gradient (finite differences)", async () => {
  await setup();
  const rng = createRng(32);
  const x = randn(rng, [1, 5, 4, 2]) as tf.Tensor4D;
  const r = randn(rng, [1, 3, 2, 2]);
  const f = (t: tf.Tensor) => tf.avgPool(t as tf.Tensor4D, 3, 2, "same").mul(r).sum();
  const g = tf.grad(f)(x).dataSync();
  // avg pooling is linear: f(x + e_i) - f(x) equals the gradient exactly up to rounding
  const base = f(x).dataSync()[0];
  const xv = x.dataSync();
  for (let i = 0; i < xv.length; i += 3) {
    const e = Float32Array.from(xv);
    e[i] += 1;
    const d = tf.tidy(() => f(tf.tensor(e, x.shape)).dataSync()[0]) - base;
    assert.ok(Math.abs(d - g[i]) < 1e-4, `voxel ${i}: fd ${d} vs grad ${g[i]}`);
  }
  tf.dispose([x, r]);
});

Deno.test("MaxPool3D / AvgPool3D and gradients match TF.js", async () => {
  await setup();
  const rng = createRng(33);
  const cases: [number[], [number, number, number], [number, number, number], "same" | "valid"][] =
    [
      [[2, 4, 6, 6, 2], [2, 2, 2], [2, 2, 2], "valid"],
      [[1, 5, 5, 7, 3], [3, 3, 3], [2, 1, 2], "same"],
    ];
  for (const [shape, f, s, pad] of cases) {
    const x = randn(rng, shape) as tf.Tensor5D;
    const y0 = tf.maxPool3d(x, f, s, pad);
    const r = randn(rng, y0.shape);
    y0.dispose();
    const label = `pool3d ${shape} f${f} s${s} ${pad}`;
    await compareWithReference(
      label,
      () => [tf.maxPool3d(x, f, s, pad), tf.avgPool3d(x, f, s, pad)],
    );
    const gm = tf.grad((t: tf.Tensor) => tf.maxPool3d(t as tf.Tensor5D, f, s, pad).mul(r).sum());
    await compareWithReference(`${label} max grad`, () => [gm(x)]);
    if (pad === "valid") {
      const ga = tf.grad((t: tf.Tensor) => tf.avgPool3d(t as tf.Tensor5D, f, s, pad).mul(r).sum());
      await compareWithReference(`${label} avg grad`, () => [ga(x)]);
    }
    tf.dispose([x, r]);
  }
});
