import { tf } from "../../../lib/tf/mod.ts";
import { withOriginalGradients } from "../../../lib/tf/kernels/mod.ts";
import { assertClose, createRng, randn, setup } from "./_util.ts";

async function compareGrads(label: string, fn: () => tf.Tensor[]): Promise<void> {
  const lean = fn();
  const orig = await withOriginalGradients(fn);
  lean.forEach((t, i) => assertClose(t, orig[i], 1e-4, `${label} [${i}]`));
  tf.dispose([...lean, ...orig]);
}

Deno.test("lean BatchNorm / Mean / Sum gradients equal TF.js's", async () => {
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
    ]);
    tf.dispose([x, gamma, beta, r]);
  }
});
