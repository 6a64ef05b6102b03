import assert from "node:assert/strict";
import { tf } from "../../../lib/tf/mod.ts";
import { isFastKernelActive } from "../../../lib/tf/kernels/mod.ts";
import { compareWithReference, createRng, forEachGemm, randn, setup } from "./_util.ts";

type Case3 = {
  x: [number, number, number, number, number];
  f: [number, number, number, number, number];
  s: [number, number, number];
  pad: "same" | "valid";
  d: [number, number, number];
};

const cases3: Case3[] = [
  { x: [1, 5, 6, 4, 2], f: [3, 3, 3, 2, 3], s: [1, 1, 1], pad: "same", d: [1, 1, 1] },
  { x: [2, 6, 5, 7, 3], f: [2, 3, 2, 3, 2], s: [2, 1, 2], pad: "valid", d: [1, 1, 1] },
  { x: [1, 4, 4, 4, 5], f: [1, 1, 1, 5, 2], s: [1, 1, 1], pad: "valid", d: [1, 1, 1] },
  { x: [1, 7, 6, 6, 2], f: [3, 2, 3, 2, 2], s: [1, 1, 1], pad: "same", d: [2, 1, 2] },
];

Deno.test("Conv3D and its gradients match TF.js reference kernels", async () => {
  await setup();
  assert.ok(isFastKernelActive("Conv3D"));
  const rng = createRng(12);
  await forEachGemm(async (gemmName) => {
    for (const c of cases3) {
      const x = randn(rng, c.x) as tf.Tensor5D, f = randn(rng, c.f) as tf.Tensor5D;
      const label = `${gemmName} conv3d ${c.x}*${c.f} s${c.s} ${c.pad} d${c.d}`;
      await compareWithReference(`${label} forward`, () => [
        tf.conv3d(x, f, c.s, c.pad, "NDHWC", c.d),
      ]);
      if (c.d.every((v) => v === 1)) {
        const y0 = tf.conv3d(x, f, c.s, c.pad);
        const r = randn(rng, y0.shape);
        y0.dispose();
        const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.conv3d(a as tf.Tensor5D, b as tf.Tensor5D, c.s, c.pad).mul(r).sum()
        );
        await compareWithReference(`${label} grads`, () => g([x, f]));
        r.dispose();
      }
      tf.dispose([x, f]);
    }
  });
});

Deno.test("BatchMatMul / _FusedMatMul match TF.js reference kernels (transposes, broadcast)", async () => {
  await setup();
  const rng = createRng(13);
  await forEachGemm(async (gemmName) => {
    const shapes: [number[], number[], boolean, boolean][] = [
      [[5, 7], [7, 3], false, false],
      [[7, 5], [7, 3], true, false],
      [[5, 7], [3, 7], false, true],
      [[7, 5], [3, 7], true, true],
      [[2, 4, 5], [2, 5, 6], false, false],
      [[3, 4, 5], [5, 6], false, false],
      [[4, 5], [2, 5, 3], false, false],
      [[2, 5, 4], [1, 5, 3], true, false],
      [[1, 1], [1, 9], false, false],
    ];
    for (const [sa, sb, ta, tb] of shapes) {
      const a = randn(rng, sa), b = randn(rng, sb);
      const label = `${gemmName} matmul ${sa}${ta ? "ᵀ" : ""}·${sb}${tb ? "ᵀ" : ""}`;
      const y0 = tf.matMul(a, b, ta, tb);
      const n = y0.shape[y0.shape.length - 1];
      const r = randn(rng, y0.shape);
      y0.dispose();
      const bias = randn(rng, [n]);
      await compareWithReference(`${label} forward`, () => [
        tf.matMul(a, b, ta, tb),
        tf.fused.matMul({ a, b, transposeA: ta, transposeB: tb, bias, activation: "relu" }),
        tf.fused.matMul({ a, b, transposeA: ta, transposeB: tb, bias, activation: "sigmoid" }),
      ]);
      if (sa.slice(0, -2).join() === sb.slice(0, -2).join()) { // TF.js grads cannot broadcast
        const g = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.matMul(p, q, ta, tb).mul(r).sum());
        await compareWithReference(`${label} grads`, () => g([a, b]));
      }
      tf.dispose([a, b, r, bias]);
    }
  });
});
