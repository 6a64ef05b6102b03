import { tf } from "../../../lib/tf/mod.ts";
import { withOriginalGradients } from "../../../lib/tf/kernels/mod.ts";
import { assertClose, createRng, randn, setup } from "./_util.ts";

async function compareGrads(label: string, fn: () => tf.Tensor[]): Promise<void> {
  const lean = fn();
  const orig = await withOriginalGradients(fn);
  lean.forEach((t, i) => assertClose(t, orig[i], 1e-4, `${label} [${i}]`));
  tf.dispose([...lean, ...orig]);
}

Deno.test("lean BatchNorm / Mean / Sum / ReLU gradients equal TF.js's", async () => {
  await setup();
  const rng = createRng(51);
  for (const shape of [[3, 4, 5, 6], [7, 3]]) {
    const x = randn(rng, shape);
    const c = shape[shape.length - 1];
    const gamma = randn(rng, [c]), beta = randn(rng, [c]);
    const r = randn(rng, shape);
    const axes = shape.slice(0, -1).map((_, i) => i);
    const bnLoss = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const m = tf.moments(a, axes);
      return tf.batchNorm(a, m.mean, m.variance, b, g, 1e-3).mul(r).sum();
    };
    await compareGrads(`batchNorm ${shape}`, () => tf.grads(bnLoss)([x, gamma, beta]));
    await compareGrads(`mean/sum ${shape}`, () => [
      tf.grad((a: tf.Tensor) => tf.mean(a, 0).mul(tf.sum(a, -1, true).mean()).sum())(x),
      tf.grad((a: tf.Tensor) => tf.sum(a.square()))(x),
      tf.grad((a: tf.Tensor) => tf.mean(a, [0, 1], true).square().sum())(x),
      tf.grad((a: tf.Tensor) => tf.relu(a).mul(r).sum())(x),
    ]);
    tf.dispose([x, gamma, beta, r]);
  }
});

Deno.test("ResizeNearestNeighborGrad (UpSampling2D gradient) matches TF.js per sample", async () => {
  // TF.js's reference kernel mis-indexes batches after the first (it returns sample 0's offsets
  // for a [2,1,2,2] input), so the reference is computed one sample at a time.
  await setup();
  const { withReferenceKernels } = await import("../../../lib/tf/kernels/mod.ts");
  const rng = createRng(52);
  const cases: [number[], [number, number]][] = [
    [[2, 3, 4, 5], [6, 8]],
    [[1, 5, 3, 2], [15, 9]],
    [[3, 4, 4, 3], [6, 6]],
  ];
  for (const [shape, size] of cases) {
    const x = randn(rng, shape) as tf.Tensor4D;
    const r = randn(rng, [shape[0], size[0], size[1], shape[3]]);
    for (const align of [false, true]) {
      const g = (t: tf.Tensor, rr: tf.Tensor) =>
        tf.grad((u: tf.Tensor) =>
          tf.image.resizeNearestNeighbor(u as tf.Tensor4D, size, align).mul(rr).sum()
        )(t);
      const fast = g(x, r);
      const ref = await withReferenceKernels(() =>
        tf.concat(
          Array.from({ length: shape[0] }, (_, b) => g(x.slice([b], [1]), r.slice([b], [1]))),
          0,
        )
      );
      assertClose(fast, ref, 1e-5, `resize ${shape} -> ${size} align=${align}`);
      tf.dispose([fast, ref]);
    }
    tf.dispose([x, r]);
  }
});
