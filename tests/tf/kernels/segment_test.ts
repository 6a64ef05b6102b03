import assert from "node:assert/strict";
import { tf } from "../../../lib/tf/mod.ts";
import { isFastKernelActive } from "../../../lib/tf/kernels/mod.ts";
import { compareWithReference, createRng, randn, setup } from "./_util.ts";

Deno.test("UnsortedSegmentSum and the gather gradient match TF.js (repeats, gaps, dropped ids)", async () => {
  await setup();
  assert.ok(isFastKernelActive("UnsortedSegmentSum"));
  const rng = createRng(5);
  for (const [shape, n] of [[[7], 4], [[9, 3], 5], [[6, 2, 3], 8], [[1, 4], 1]] as const) {
    const x = randn(rng, [...shape]);
    const ids = tf.tensor1d(
      Array.from({ length: shape[0] }, () => rng.int(-1, n + 1)), // includes dropped -1 and n
      "int32",
    );
    await compareWithReference(`segsum ${shape}`, () => [tf.unsortedSegmentSum(x, ids, n)], 1e-6);
    // gather's gradient is an unsorted segment sum over the gathered indices
    const idx = tf.tensor1d(Array.from({ length: 11 }, () => rng.int(0, shape[0])), "int32");
    await compareWithReference(`gather grad ${shape}`, () => [
      tf.grad((t: tf.Tensor) => tf.gather(t, idx).square().sum())(x),
    ], 1e-5);
    tf.dispose([x, ids, idx]);
  }
});

Deno.test("UnsortedSegmentSum by hand", async () => {
  await setup();
  const out = tf.unsortedSegmentSum(
    tf.tensor2d([[1, 2], [3, 4], [5, 6]]),
    tf.tensor1d([1, 0, 1], "int32"),
    3,
  );
  assert.deepEqual(await out.array(), [[3, 4], [6, 8], [0, 0]]);
  out.dispose();
});
