import assert from "node:assert/strict";
import { tf } from "../../../lib/tf/mod.ts";
import { gemm, loadGemm, setGemm } from "../../../lib/tf/kernels/mod.ts";
import { im2colFilter, im2colForward } from "../../../lib/tf/kernels/conv_gemm.ts";
import { shiftedFilter, shiftedForward, useShifted } from "../../../lib/tf/kernels/conv_shifted.ts";
import type { ConvGeom } from "../../../lib/tf/kernels/im2col.ts";
import { compareWithReference, createRng, randn, setup } from "./_util.ts";

function close(got: Float32Array, want: Float32Array, label: string): void {
  assert.equal(got.length, want.length, `${label}: length`);
  let scale = 1e-6, err = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    err = Math.max(err, Math.abs(got[i] - want[i]));
  }
  assert.ok(err <= 1e-5 * scale, `${label}: max abs error ${err} (scale ${scale})`);
}

/** Output extent along one axis for TF's padding (before = `p`, total as given). */
const extent = (i: number, f: number, d: number, before: number, after: number) =>
  i + before + after - (f - 1) * d;

Deno.test("shifted-GEMM convolution equals im2col + GEMM (forward and filter gradient, 2D and 3D, dilation, asymmetric and zero padding)", async () => {
  await setup();
  const rng = createRng(31);
  // [n, id, ih, iw, ci, co, fd, fh, fw, dd, dh, dw, pad before (f, t, l), pad after (f, t, l)]
  const cases: number[][] = [
    [2, 5, 7, 6, 3, 4, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1], // 3D "same"
    [1, 6, 9, 8, 2, 3, 3, 3, 3, 2, 1, 2, 2, 1, 2, 2, 1, 2], // 3D dilated "same"
    [2, 4, 6, 5, 3, 2, 2, 3, 2, 1, 1, 1, 0, 1, 0, 1, 1, 1], // even filter: more padding after
    [1, 5, 6, 7, 4, 2, 3, 2, 3, 1, 1, 1, 0, 0, 0, 0, 0, 0], // "valid"
    [3, 1, 9, 10, 3, 5, 1, 3, 3, 1, 1, 1, 0, 1, 1, 0, 1, 1], // 2D as depth 1
    [1, 1, 12, 11, 2, 2, 1, 5, 3, 1, 2, 3, 0, 4, 3, 0, 4, 3], // 2D dilated 5×3
  ];
  for (const c of cases) {
    const [n, id, ih, iw, ci, co, fd, fh, fw, dd, dh, dw, pf, pt, pl, qf, qt, ql] = c;
    const g: ConvGeom = {
      n,
      id,
      ih,
      iw,
      ci,
      co,
      fd,
      fh,
      fw,
      dd,
      dh,
      dw,
      pf,
      pt,
      pl,
      sd: 1,
      sh: 1,
      sw: 1,
      od: extent(id, fd, dd, pf, qf),
      oh: extent(ih, fh, dh, pt, qt),
      ow: extent(iw, fw, dw, pl, ql),
    };
    const x = Float32Array.from({ length: n * id * ih * iw * ci }, () => rng.normal());
    const w = Float32Array.from({ length: fd * fh * fw * ci * co }, () => rng.normal());
    const dy = Float32Array.from({ length: n * g.od * g.oh * g.ow * co }, () => rng.normal());
    const label = `case ${c.join(",")}`;
    // run twice: the second call reuses the pooled buffers, which must be re-zeroed
    for (let rep = 0; rep < 2; rep++) {
      close(shiftedForward(g, x, w), im2colForward(g, x, w), `${label} forward`);
      close(shiftedFilter(g, x, dy), im2colFilter(g, x, dy), `${label} filter gradient`);
    }
  }
});

Deno.test("useShifted: unit stride, native GEMM, ≤ 64 input channels, padded grid ≤ 4/3 of the output", async () => {
  await setup();
  const base: ConvGeom = {
    n: 2,
    id: 16,
    ih: 64,
    iw: 64,
    ci: 16,
    od: 16,
    oh: 64,
    ow: 64,
    co: 16,
    fd: 3,
    fh: 3,
    fw: 3,
    sd: 1,
    sh: 1,
    sw: 1,
    dd: 1,
    dh: 1,
    dw: 1,
    pf: 1,
    pt: 1,
    pl: 1,
  };
  const native = gemm();
  if (native.name.startsWith("wasm")) {
    assert.equal(useShifted(base), false);
    return;
  }
  assert.equal(useShifted(base), true); // grid 18·66·66 = 1.19 × the output
  assert.equal(useShifted({ ...base, sh: 2, oh: 32 }), false);
  assert.equal(useShifted({ ...base, ci: 65 }), false);
  assert.equal(useShifted({ ...base, fd: 1, fh: 1, fw: 1, pf: 0, pt: 0, pl: 0 }), false);
  // 8×32×32 with a 3×3×3 "same" filter: grid 10·34·34 = 1.41 × the output
  assert.equal(useShifted({ ...base, id: 8, ih: 32, iw: 32, od: 8, oh: 32, ow: 32 }), false);
  setGemm(await loadGemm("wasm"));
  try {
    assert.equal(useShifted(base), false);
  } finally {
    setGemm(native);
  }
});

Deno.test("Conv2D / Conv3D kernels on the shifted path match TF.js reference kernels, with gradients", async () => {
  await setup();
  const rng = createRng(32);
  const cases: { x: number[]; f: number[]; pad: "same" | "valid"; d: number }[] = [
    { x: [1, 16, 30, 30, 2], f: [3, 3, 3, 2, 3], pad: "same", d: 1 },
    { x: [2, 30, 30, 3], f: [3, 3, 3, 4], pad: "same", d: 1 },
    { x: [1, 30, 30, 2], f: [2, 2, 2, 3], pad: "same", d: 1 },
    { x: [1, 40, 40, 2], f: [3, 3, 2, 2], pad: "same", d: 2 },
  ];
  for (const c of cases) {
    const x = randn(rng, c.x), f = randn(rng, c.f);
    const conv = (a: tf.Tensor, b: tf.Tensor) =>
      c.x.length === 5
        ? tf.conv3d(a as tf.Tensor5D, b as tf.Tensor5D, 1, c.pad, "NDHWC", c.d)
        : tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, c.pad, "NHWC", c.d);
    const y0 = conv(x, f);
    const r = randn(rng, y0.shape);
    y0.dispose();
    const label = `${c.x}*${c.f} ${c.pad} d${c.d}`;
    await compareWithReference(`${label} forward`, () => [conv(x, f)]);
    if (c.d === 1 || c.x.length === 4) {
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => conv(a, b).mul(r).sum());
      await compareWithReference(`${label} grads`, () => g([x, f]));
    }
    tf.dispose([x, f, r]);
  }
});
