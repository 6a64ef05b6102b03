import assert from "node:assert/strict";
import { tf } from "../../../lib/tf/mod.ts";
import { isFastKernelActive } from "../../../lib/tf/kernels/mod.ts";
import { compareWithReference, createRng, randn, setup } from "./_util.ts";

const pairs: [number[], number[]][] = [
  [[2, 3, 4, 5], [2, 3, 4, 5]],
  [[2, 3, 4, 5], [5]],
  [[5], [2, 3, 4, 5]],
  [[2, 3, 4, 5], [1, 1, 1, 5]],
  [[2, 3, 4, 5], [4, 5]],
  [[2, 3, 4, 5], [2, 1, 1, 1]],
  [[2, 1, 1, 1], [2, 3, 4, 5]],
  [[2, 3, 4, 5], []],
  [[], [3, 4]],
  [[2, 3, 4, 5], [1, 3, 1, 5]], // not a block broadcast: reference path
  [[3, 1], [1, 4]], // outer product broadcast: reference path
];

Deno.test("binary element-wise kernels match TF.js (same shape, scalar, leading/trailing broadcast)", async () => {
  await setup();
  assert.ok(isFastKernelActive("Multiply"));
  const rng = createRng(21);
  for (const [sa, sb] of pairs) {
    const a = randn(rng, sa), b0 = randn(rng, sb);
    const b = tf.tidy(() => b0.abs().add(0.5)); // safe divisor
    const ops: [string, (x: tf.Tensor, y: tf.Tensor) => tf.Tensor][] = [
      ["add", tf.add],
      ["sub", tf.sub],
      ["mul", tf.mul],
      ["div", tf.div],
      ["max", tf.maximum],
      ["min", tf.minimum],
      ["sqdiff", tf.squaredDifference],
    ];
    for (const [name, op] of ops) {
      await compareWithReference(`${name} ${sa} ${sb}`, () => [op(a, b)], 1e-6);
    }
    // gradients of broadcasting ops reduce over the broadcast axes (Sum fast path)
    const g = tf.grads((x: tf.Tensor, y: tf.Tensor) => x.mul(y).add(x.div(y)).sub(y).sum());
    await compareWithReference(`grads ${sa} ${sb}`, () => g([a, b]), 1e-5);
    tf.dispose([a, b0, b]);
  }
});

Deno.test("unary kernels and ReLU gradient match TF.js", async () => {
  await setup();
  const rng = createRng(22);
  const x = randn(rng, [3, 4, 5]);
  const pos = tf.tidy(() => x.abs().add(0.1));
  await compareWithReference("unary", () => [
    tf.relu(x),
    tf.relu6(x.mul(4)),
    tf.neg(x),
    tf.square(x),
    tf.sqrt(pos),
    tf.rsqrt(pos),
    tf.exp(x),
    tf.log(pos),
    tf.abs(x),
    tf.sigmoid(x),
    tf.reciprocal(pos),
    tf.step(x, 0.3),
  ], 1e-6);
  const g = tf.grad((t: tf.Tensor) => tf.relu(t).mul(t).sum());
  await compareWithReference("relu grad", () => [g(x)], 1e-6);
  tf.dispose([x, pos]);
});

Deno.test("Sum / Mean / Max / Min over contiguous axis blocks match TF.js", async () => {
  await setup();
  const rng = createRng(23);
  const x = randn(rng, [3, 4, 5, 6]);
  const axesList: (number | number[] | undefined)[] = [
    [0, 1, 2],
    [0],
    [3],
    [1, 2],
    [2, 3],
    -1,
    undefined,
    [0, 2],
    [1, 3],
  ];
  for (const axes of axesList) {
    for (const keep of [false, true]) {
      await compareWithReference(`reduce ${axes} keep=${keep}`, () => [
        tf.sum(x, axes, keep),
        tf.mean(x, axes, keep),
        tf.max(x, axes, keep),
        tf.min(x, axes, keep),
      ], 1e-6);
    }
  }
  await compareWithReference("logSumExp / moments", () => {
    const m = tf.moments(x, [0, 1, 2]);
    return [tf.logSumExp(x, -1), m.mean, m.variance];
  }, 1e-5);
  x.dispose();
});

Deno.test("SplitV / Concat / Tile match TF.js", async () => {
  await setup();
  const rng = createRng(24);
  const x = randn(rng, [2, 3, 4, 6]);
  for (const axis of [0, 1, 2, 3, -1]) {
    await compareWithReference(`split/concat axis ${axis}`, () => {
      const parts = tf.split(x, axis === 3 || axis === -1 ? [1, 2, 3] : [1, -1], axis);
      return [...parts, tf.concat([x, x.mul(2), x], axis)];
    }, 0);
  }
  const i = tf.tensor2d([[1, 2], [3, 4]], [2, 2], "int32");
  await compareWithReference("int concat / tile", () => [
    tf.concat([i, i], 1),
    tf.tile(i, [2, 3]),
    tf.tile(x, [1, 2, 1, 3]),
    tf.tile(x, [2, 1, 3, 1]),
  ], 0);
  const g = tf.grad((t: tf.Tensor) => tf.concat([t, t.mul(3)], 3).square().sum());
  await compareWithReference("concat grad", () => [g(x)], 1e-6);
  tf.dispose([x, i]);
});

Deno.test("Slice / PadV2 (and Pad's gradient) match TF.js", async () => {
  await setup();
  assert.ok(isFastKernelActive("Slice") && isFastKernelActive("PadV2"));
  const rng = createRng(25);
  const x = randn(rng, [2, 5, 4, 3, 6]);
  const i = tf.tensor2d([[1, 2, 3], [4, 5, 6]], [2, 3], "int32");
  await compareWithReference("slice", () => [
    tf.slice(x, [0, 1, 1, 1, 0], [2, 3, 2, 2, 6]), // trailing whole axis
    tf.slice(x, [1, 0, 0, 0, 2], [1, -1, -1, -1, 3]), // last axis cut
    tf.slice(x, [0, 2], [2, 2]), // short begin / size
    tf.slice(x, 1),
    tf.slice(x, [0, 0, 0, 0, 0], [2, 5, 4, 3, 6]), // everything
    tf.slice(x, [0, 4, 0, 0, 0], [2, 0, 4, 3, 6]), // empty
    tf.slice(i, [1, 1], [1, 2]),
  ], 0);
  await compareWithReference("pad", () => [
    tf.pad(x, [[0, 0], [1, 1], [2, 0], [0, 3], [0, 0]]),
    // −∞ (the max-pool pad) made finite for the comparison
    tf.clipByValue(tf.pad(x, [[0, 0], [1, 1], [1, 1], [1, 1], [0, 0]], -Infinity), -1e9, 1e9),
    tf.pad(x, [[1, 0], [0, 0], [0, 0], [0, 0], [0, 2]], 0.5), // last axis padded
    tf.pad(x, [[0, 0], [0, 0], [0, 0], [0, 0], [0, 0]]),
    tf.pad(i, [[1, 1], [0, 1]], 7),
  ], 0);
  const g = tf.grad((t: tf.Tensor) =>
    tf.pad(t, [[0, 0], [1, 1], [1, 1], [1, 1], [0, 0]]).square().sum()
  );
  await compareWithReference("pad grad", () => [g(x)], 1e-6);
  tf.dispose([x, i]);
});

Deno.test("Transpose matches TF.js (merged adjacent axes, last axis moved or kept, int)", async () => {
  await setup();
  assert.ok(isFastKernelActive("Transpose"));
  const rng = createRng(26);
  const x = randn(rng, [2, 3, 4, 5, 2, 3]);
  const perms = [
    [0, 4, 1, 2, 3, 5], // the LCKD modality split
    [0, 2, 3, 4, 1, 5],
    [5, 4, 3, 2, 1, 0],
    [0, 1, 2, 3, 4, 5],
    [1, 0, 2, 3, 4, 5],
    [0, 1, 2, 3, 5, 4],
    [3, 4, 5, 0, 1, 2],
  ];
  const i = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 3, 2], "int32");
  await compareWithReference("transpose", () => [
    ...perms.map((p) => tf.transpose(x, p)),
    tf.transpose(tf.reshape(x, [6, 20, 6])),
    tf.transpose(i, [2, 0, 1]),
    tf.transpose(tf.zeros([0, 3]), [1, 0]),
  ], 0);
  tf.dispose([x, i]);
});
