import { tf } from "../../../lib/tf/mod.ts";
import { compareWithReference, createRng, forEachGemm, randn, setup } from "./_util.ts";

type Case = {
  n: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  fh: number;
  fw: number;
  s: [number, number];
  pad: "same" | "valid" | [[number, number], [number, number], [number, number], [number, number]];
  d: [number, number];
};

const cases: Case[] = [
  { n: 1, h: 7, w: 9, ci: 3, co: 5, fh: 3, fw: 3, s: [1, 1], pad: "same", d: [1, 1] },
  { n: 2, h: 8, w: 6, ci: 4, co: 3, fh: 3, fw: 2, s: [2, 2], pad: "same", d: [1, 1] },
  { n: 2, h: 9, w: 7, ci: 2, co: 4, fh: 3, fw: 3, s: [2, 1], pad: "valid", d: [1, 1] },
  { n: 1, h: 6, w: 6, ci: 17, co: 2, fh: 1, fw: 1, s: [1, 1], pad: "valid", d: [1, 1] },
  { n: 3, h: 5, w: 5, ci: 2, co: 3, fh: 1, fw: 1, s: [2, 2], pad: "same", d: [1, 1] },
  { n: 1, h: 10, w: 9, ci: 3, co: 2, fh: 3, fw: 3, s: [1, 1], pad: "same", d: [2, 2] },
  { n: 2, h: 9, w: 11, ci: 20, co: 3, fh: 3, fw: 2, s: [1, 1], pad: "valid", d: [2, 3] },
  {
    n: 1,
    h: 6,
    w: 7,
    ci: 2,
    co: 3,
    fh: 3,
    fw: 3,
    s: [2, 2],
    d: [1, 1],
    pad: [[0, 0], [1, 2], [0, 1], [0, 0]],
  },
];

function tag(c: Case): string {
  return `${c.n}x${c.h}x${c.w}x${c.ci}->${c.co} f${c.fh}x${c.fw} s${c.s} p${
    JSON.stringify(c.pad)
  } d${c.d}`;
}

Deno.test("Conv2D / FusedConv2D / Conv2D gradients match TF.js reference kernels", async () => {
  await setup();
  const rng = createRng(11);
  await forEachGemm(async (gemmName) => {
    for (const c of cases) {
      const x = randn(rng, [c.n, c.h, c.w, c.ci]);
      const f = randn(rng, [c.fh, c.fw, c.ci, c.co]);
      const bias = randn(rng, [c.co]);
      const dilated = c.d[0] > 1 || c.d[1] > 1;
      const y0 = tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.s, c.pad, "NHWC", c.d);
      const r = randn(rng, y0.shape);
      y0.dispose();
      const label = `${gemmName} ${tag(c)}`;
      await compareWithReference(`${label} forward`, () => [
        tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.s, c.pad, "NHWC", c.d),
        tf.fused.conv2d({
          x: x as tf.Tensor4D,
          filter: f as tf.Tensor4D,
          strides: c.s,
          pad: c.pad,
          dilations: c.d,
          bias,
          activation: "relu",
        }),
        tf.fused.conv2d({
          x: x as tf.Tensor4D,
          filter: f as tf.Tensor4D,
          strides: c.s,
          pad: c.pad,
          dilations: c.d,
          bias,
          activation: "leakyrelu",
          leakyreluAlpha: 0.1,
        }),
        tf.fused.conv2d({
          x: x as tf.Tensor4D,
          filter: f as tf.Tensor4D,
          strides: c.s,
          pad: c.pad,
          dilations: c.d,
          bias,
          activation: "prelu",
          preluActivationWeights: tf.fill([c.co], 0.3),
        }),
      ]);
      if (!dilated) {
        const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad, "NHWC", c.d).mul(r).sum()
        );
        await compareWithReference(`${label} grads`, () => g([x, f]));
      }
      tf.dispose([x, f, bias, r]);
    }
  });
});
