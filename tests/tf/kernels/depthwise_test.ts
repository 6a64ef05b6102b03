import { tf } from "../../../lib/tf/mod.ts";
import { compareWithReference, createRng, randn, setup } from "./_util.ts";

Deno.test("DepthwiseConv2dNative (+ fused) and gradients match TF.js reference kernels", async () => {
  await setup();
  const rng = createRng(41);
  const cases: [number[], number[], [number, number], "same" | "valid", [number, number]][] = [
    [[1, 7, 8, 3], [3, 3, 3, 1], [1, 1], "same", [1, 1]],
    [[2, 9, 7, 2], [3, 2, 2, 3], [2, 2], "same", [1, 1]],
    [[1, 8, 8, 4], [3, 3, 4, 2], [1, 1], "valid", [2, 2]],
    [[2, 5, 6, 1], [1, 1, 1, 4], [1, 1], "valid", [1, 1]],
  ];
  for (const [xs, fs, s, pad, d] of cases) {
    const x = randn(rng, xs) as tf.Tensor4D, f = randn(rng, fs) as tf.Tensor4D;
    const y0 = tf.depthwiseConv2d(x, f, s, pad, "NHWC", d);
    const r = randn(rng, y0.shape);
    const bias = randn(rng, [y0.shape[3]]);
    y0.dispose();
    const label = `depthwise ${xs} * ${fs} s${s} ${pad} d${d}`;
    await compareWithReference(label, () => [
      tf.depthwiseConv2d(x, f, s, pad, "NHWC", d),
      tf.fused.depthwiseConv2d({
        x,
        filter: f,
        strides: s,
        pad,
        dilations: d,
        bias,
        activation: "relu",
      }),
    ]);
    if (d[0] === 1) { // TF.js has no dilated depthwise gradient
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, pad).mul(r).sum()
      );
      await compareWithReference(`${label} grads`, () => g([x, f]));
    }
    tf.dispose([x, f, r, bias]);
  }
});
