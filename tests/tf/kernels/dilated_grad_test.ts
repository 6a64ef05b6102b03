import assert from "node:assert/strict";
import { tf } from "../../../lib/tf/mod.ts";
import { withReferenceKernels } from "../../../lib/tf/kernels/mod.ts";
import { createRng, forEachGemm, randn, setup } from "./_util.ts";

/** Direct float64 NDHWC convolution (2D inputs use depth 1). */
function conv64(
  x: Float64Array,
  xs: number[],
  w: Float64Array,
  ws: number[],
  ys: number[],
  s: number[],
  d: number[],
  p: number[],
): Float64Array {
  const [n, id, ih, iw, ci] = xs, [fd, fh, fw, , co] = ws, [, od, oh, ow] = ys;
  const y = new Float64Array(n * od * oh * ow * co);
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let z = 0; z < od; z++) {
      for (let r = 0; r < oh; r++) {
        for (let c = 0; c < ow; c++, o += co) {
          for (let kz = 0; kz < fd; kz++) {
            const iz = z * s[0] - p[0] + kz * d[0];
            if (iz < 0 || iz >= id) continue;
            for (let ky = 0; ky < fh; ky++) {
              const iy = r * s[1] - p[1] + ky * d[1];
              if (iy < 0 || iy >= ih) continue;
              for (let kx = 0; kx < fw; kx++) {
                const ix = c * s[2] - p[2] + kx * d[2];
                if (ix < 0 || ix >= iw) continue;
                for (let i = 0; i < ci; i++) {
                  const xv = x[(((b * id + iz) * ih + iy) * iw + ix) * ci + i];
                  const wb = (((kz * fh + ky) * fw + kx) * ci + i) * co;
                  for (let j = 0; j < co; j++) y[o + j] += xv * w[wb + j];
                }
              }
            }
          }
        }
      }
    }
  }
  return y;
}

type Case = { x: number[]; f: number[]; d: number[]; pad: "same" | "valid" };

/** Finite-difference gradients (float64, central) of L = Σ conv(x, w) · r. */
function fdGrads(c: Case, x: Float64Array, w: Float64Array, r: Float64Array, ys: number[]) {
  const xs = c.x.length === 4 ? [c.x[0], 1, ...c.x.slice(1)] : c.x;
  const ws = c.f.length === 4 ? [1, ...c.f] : c.f;
  const ys5 = ys.length === 4 ? [ys[0], 1, ...ys.slice(1)] : ys;
  const d = c.d.length === 2 ? [1, ...c.d] : c.d;
  const pads = [1, 2, 3].map((i) => {
    if (c.pad === "valid") return 0;
    const eff = (ws[i - 1] - 1) * d[i - 1] + 1;
    return Math.floor(Math.max(ys5[i] - 1 + eff - xs[i], 0) / 2);
  });
  const loss = (xx: Float64Array, ww: Float64Array) =>
    conv64(xx, xs, ww, ws, ys5, [1, 1, 1], d, pads).reduce((a, v, i) => a + v * r[i], 0);
  const h = 1e-3;
  const fd = (v: Float64Array, f: (t: Float64Array) => number) =>
    v.map((_, i) => {
      const p = Float64Array.from(v), m = Float64Array.from(v);
      p[i] += h;
      m[i] -= h;
      return (f(p) - f(m)) / (2 * h);
    });
  return { dx: fd(x, (t) => loss(t, w)), dw: fd(w, (t) => loss(x, t)) };
}

function close(got: ArrayLike<number>, want: ArrayLike<number>, label: string): void {
  let scale = 1e-6, err = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(got[i] - want[i]));
  assert.ok(err <= 1e-4 * scale, `${label}: max error ${err} vs scale ${scale}`);
}

const cases: Case[] = [
  { x: [1, 7, 6, 2], f: [3, 3, 2, 2], d: [2, 2], pad: "same" },
  { x: [2, 8, 9, 1], f: [2, 3, 1, 3], d: [2, 3], pad: "valid" },
  { x: [1, 5, 6, 5, 2], f: [3, 2, 2, 2, 2], d: [2, 1, 2], pad: "same" },
];

function checkCase(c: Case, label: string): void {
  const rng = createRng(label.length);
  const x = randn(rng, c.x), w = randn(rng, c.f);
  const conv = (a: tf.Tensor, b: tf.Tensor) =>
    c.x.length === 4
      ? tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, c.pad, "NHWC", c.d as [number, number])
      : tf.conv3d(
        a as tf.Tensor5D,
        b as tf.Tensor5D,
        1,
        c.pad,
        "NDHWC",
        c.d as [
          number,
          number,
          number,
        ],
      );
  const y0 = conv(x, w);
  const r = randn(rng, y0.shape);
  const want = fdGrads(
    c,
    Float64Array.from(x.dataSync()),
    Float64Array.from(w.dataSync()),
    Float64Array.from(r.dataSync()),
    y0.shape,
  );
  const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => conv(a, b).mul(r).sum())([x, w]);
  close(dx.dataSync(), want.dx, `${label} dx`);
  close(dw.dataSync(), want.dw, `${label} dw`);
  tf.dispose([x, w, y0, r, dx, dw]);
}

Deno.test("dilated Conv2D / Conv3D gradients equal float64 finite differences", async () => {
  await setup();
  await forEachGemm((g) => {
    for (const c of cases) checkCase(c, `fast ${g} ${c.x} d${c.d} ${c.pad}`);
  });
  await withReferenceKernels(() => {
    for (const c of cases) checkCase(c, `reference ${c.x} d${c.d} ${c.pad}`);
  });
});

Deno.test("a dilated tf.layers.conv2d trains (fused path) with the same gradient as conv2d", async () => {
  await setup();
  const rng = createRng(5);
  const layer = tf.layers.conv2d({ filters: 3, kernelSize: 3, dilationRate: 2, padding: "same" });
  const x = randn(rng, [2, 9, 8, 2]);
  layer.apply(x);
  const [kernel, bias] = layer.getWeights();
  const r = randn(rng, [2, 9, 8, 3]);
  for (const ref of [false, true]) {
    const run = () => {
      const vg = tf.variableGrads(() => (layer.apply(x) as tf.Tensor).mul(r).sum() as tf.Scalar);
      const plain = tf.grads((k: tf.Tensor, b: tf.Tensor) =>
        tf.conv2d(x as tf.Tensor4D, k as tf.Tensor4D, 1, "same", "NHWC", 2).add(b).mul(r).sum()
      )([kernel, bias]);
      const grads = Object.values(vg.grads);
      return { grads, plain, value: vg.value };
    };
    const out = ref ? await withReferenceKernels(run) : run();
    const [gk, gb] = out.grads;
    close(gk.dataSync(), out.plain[0].dataSync(), `layer kernel grad (ref=${ref})`);
    close(gb.dataSync(), out.plain[1].dataSync(), `layer bias grad (ref=${ref})`);
    tf.dispose([...out.grads, ...out.plain, out.value]);
  }
  tf.dispose([x, r]);
  layer.dispose(); // getWeights() returned the layer's own variables
});

Deno.test("conv3dTranspose has a gradient (exact for this linear op, checked by differences)", async () => {
  await setup();
  const rng = createRng(7);
  const x = randn(rng, [1, 2, 3, 2, 3]) as tf.Tensor5D;
  const w = randn(rng, [2, 2, 2, 2, 3]) as tf.Tensor5D; // [d, h, w, out, in]
  const r = randn(rng, [1, 4, 6, 4, 2]);
  const loss = (a: tf.Tensor, b: tf.Tensor) =>
    tf.conv3dTranspose(a as tf.Tensor5D, b as tf.Tensor5D, [1, 4, 6, 4, 2], 2, "same").mul(r).sum();
  for (const ref of [false, true]) {
    const run = () => {
      const [dx, dw] = tf.grads(loss)([x, w]);
      const base = loss(x, w).dataSync()[0];
      const check = (t: tf.Tensor, g: tf.Tensor, which: 0 | 1) => {
        const v = t.dataSync(), gv = g.dataSync();
        for (let i = 0; i < v.length; i += 5) {
          const e = Float32Array.from(v);
          e[i] += 1;
          const p = tf.tensor(e, t.shape);
          const d = (which === 0 ? loss(p, w) : loss(x, p)).dataSync()[0] - base;
          p.dispose();
          assert.ok(Math.abs(d - gv[i]) < 1e-3 * Math.max(1, Math.abs(gv[i])), `${which} ${i}`);
        }
      };
      check(x, dx, 0);
      check(w, dw, 1);
      tf.dispose([dx, dw]);
    };
    if (ref) await withReferenceKernels(run);
    else run();
  }
  tf.dispose([x, w, r]);
});
