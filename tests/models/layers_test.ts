import assert from "node:assert/strict";
import * as tf from "../../lib/tf/tf.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { assertNoLeak } from "../../lib/tf/leaks.ts";
import { fastKernelsActive, withReferenceKernels } from "../../lib/tf/kernels/mod.ts";
import {
  Act,
  AdaptiveAvgPool,
  BatchStatNorm,
  ChannelScale,
  Crop,
  DepthToSpace,
  DepthwiseConvTranspose2D,
  DropPath,
  GroupConv2D,
  GroupNorm,
  InstanceNorm,
  LayerScale,
  MultiHeadSelfAttention,
  normaliseChannels,
  Pad,
  PatchConvTranspose,
  PatchMerging,
  ResizeToShape,
  UpSampling3D,
  WindowAttention,
  WSConv,
} from "../../lib/models/layers/mod.ts";
import { relativeIndex, shiftMask } from "../../lib/models/layers/window.ts";
import * as spatial from "../../lib/models/layers/spatial.ts";
import { checkLayerGradients, randn } from "./_grad.ts";

await initBackend("cpu", { quiet: true });

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-4) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs(a[i] - b[i]) <= tol, `[${i}] ${a[i]} vs ${b[i]}`);
  }
};

/** Serialise a one-layer model and load it back; outputs must match. */
async function roundTrip(layer: tf.layers.Layer, shapes: number[][], xs: tf.Tensor[]) {
  const ins = shapes.map((s) => tf.input({ shape: s }));
  const out = layer.apply(ins.length === 1 ? ins[0] : ins) as tf.SymbolicTensor;
  const m = tf.model({ inputs: ins, outputs: out });
  let art: tf.io.ModelArtifacts | undefined;
  await m.save(tf.io.withSaveHandler((a) => {
    art = a;
    return Promise.resolve({
      modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" },
    });
  }));
  const m2 = await tf.loadLayersModel(tf.io.fromMemory(art!));
  const a = m.predict(xs) as tf.Tensor, b = m2.predict(xs) as tf.Tensor;
  close(a.dataSync(), b.dataSync(), 1e-6);
  tf.dispose([a, b]);
  m.dispose();
  m2.dispose();
}

Deno.test("InstanceNorm: hand values 2D and 3D, β at a single voxel, gradients", async () => {
  const x = tf.tensor4d([1, 2, 3, 4, 10, 10, 10, 10], [1, 2, 2, 2]); // channel 0: 1,3 / 2,4? interleaved
  const y = new InstanceNorm({ epsilon: 0 }).apply(x) as tf.Tensor;
  // channel 0 = [1,3,10,10] mean 6 var 16.5 ; channel 1 = [2,4,10,10] mean 6.5 var 12.75
  close(y.dataSync(), [
    -5 / Math.sqrt(16.5),
    -4.5 / Math.sqrt(12.75),
    -3 / Math.sqrt(16.5),
    -2.5 / Math.sqrt(12.75),
    4 / Math.sqrt(16.5),
    3.5 / Math.sqrt(12.75),
    4 / Math.sqrt(16.5),
    3.5 / Math.sqrt(12.75),
  ]);
  const one = new InstanceNorm({});
  const v = one.apply(tf.tensor5d([5, -2], [1, 1, 1, 1, 2])) as tf.Tensor;
  one.setWeights([tf.tensor1d([2, 2]), tf.tensor1d([0.5, -0.5])]);
  const v2 = one.apply(tf.tensor5d([5, -2], [1, 1, 1, 1, 2])) as tf.Tensor;
  close(v.dataSync(), [0, 0]);
  close(v2.dataSync(), [0.5, -0.5]);
  checkLayerGradients(new InstanceNorm({}), [randn([2, 3, 3, 2], 1)]);
  checkLayerGradients(new InstanceNorm({}), [randn([1, 2, 2, 3, 2], 2)]);
  await roundTrip(new InstanceNorm({ affine: false }), [[3, 3, 2]], [randn([1, 3, 3, 2], 3)]);
});

Deno.test("normaliseChannels: the JS kernel matches the tf.moments composite, values and gradients", async () => {
  const composite = (x: tf.Tensor, keep: 0 | 1, eps: number) => {
    const axes = Array.from({ length: x.rank - 1 - keep }, (_, i) => i + keep);
    const { mean, variance } = tf.moments(x, axes, true);
    return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps)));
  };
  const cases: [number[], 0 | 1][] = [[[2, 3, 4, 5, 6], 1], [[3, 7, 5], 1], [[4, 3, 3, 2], 0]];
  for (const [shape, keep] of cases) {
    const x = tf.add(tf.mul(randn(shape, shape.length + keep), 3), 2);
    const w = randn(shape, 99); // a random upstream gradient
    await assertNoLeak(() => {
      const loss = (f: typeof composite) => (t: tf.Tensor) => tf.sum(tf.mul(f(t, keep, 1e-5), w));
      const [a, b] = [normaliseChannels(x, keep, 1e-5), tf.tidy(() => composite(x, keep, 1e-5))];
      close(a.dataSync(), b.dataSync(), 2e-5);
      const [ga, gb] = [tf.grad(loss(normaliseChannels))(x), tf.grad(loss(composite))(x)];
      close(ga.dataSync(), gb.dataSync(), 2e-4);
      tf.dispose([a, b, ga, gb]);
    });
    tf.dispose([x, w]);
  }
});

Deno.test("InstanceNorm uses its JS kernel only while the fast kernels are on; both paths agree", async () => {
  const x = tf.add(tf.mul(randn([2, 3, 4, 5, 3], 7), 2), 1);
  const w = randn([2, 3, 4, 5, 3], 8);
  const layer = new InstanceNorm({ affine: false });
  const run = () =>
    tf.tidy(() => {
      const y = layer.apply(x) as tf.Tensor;
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(layer.apply(t) as tf.Tensor, w)))(x);
      return [Array.from(y.dataSync()), Array.from(g.dataSync())];
    });
  assert.equal(fastKernelsActive(), true);
  const fast = run();
  const [ref, inside] = await withReferenceKernels(() => [run(), fastKernelsActive()] as const);
  assert.equal(inside, false);
  assert.equal(fastKernelsActive(), true);
  close(fast[0], ref[0], 2e-5);
  close(fast[1], ref[1], 2e-4);
  tf.dispose([x, w]);
});

Deno.test("BatchStatNorm normalises over batch and space; GroupNorm over groups", async () => {
  const y = new BatchStatNorm({ epsilon: 0 }).apply(
    tf.tensor3d([0, 2, 4, 6], [2, 2, 1]),
  ) as tf.Tensor;
  const s = Math.sqrt(5);
  close(y.dataSync(), [-3 / s, -1 / s, 1 / s, 3 / s]);
  // GroupNorm 2 groups on 4 channels, one pixel: pairs normalised separately.
  const g = new GroupNorm({ groups: 2, epsilon: 0 }).apply(
    tf.tensor4d([1, 3, 10, 20], [1, 1, 1, 4]),
  ) as tf.Tensor;
  close(g.dataSync(), [-1, 1, -1, 1]);
  assert.throws(
    () => new GroupNorm({ groups: 3 }).apply(tf.input({ shape: [2, 2, 4] })),
    /not divisible/,
  );
  checkLayerGradients(new GroupNorm({ groups: 2 }), [randn([1, 3, 3, 4], 4)]);
  checkLayerGradients(new BatchStatNorm({}), [randn([2, 2, 2, 2, 3], 5)]);
  await roundTrip(new GroupNorm({ groups: 2 }), [[2, 2, 4]], [randn([1, 2, 2, 4], 6)]);
});

Deno.test("Pad / Crop / UpSampling3D / ResizeToShape hand values", async () => {
  const p = new Pad({ pads: [[1, 0], [0, 1]], value: -Infinity }).apply(
    tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]),
  ) as tf.Tensor;
  assert.deepEqual(Array.from(p.dataSync()), [
    -Infinity,
    -Infinity,
    -Infinity,
    1,
    2,
    -Infinity,
    3,
    4,
    -Infinity,
  ]);
  const c = new Crop({ crops: [[1, 0], [0, 1]] }).apply(p) as tf.Tensor;
  assert.deepEqual(Array.from(c.dataSync()), [1, 2, 3, 4]);
  const u = new UpSampling3D({ size: [2, 1, 2] }).apply(
    tf.tensor5d([1, 2], [1, 2, 1, 1, 1]),
  ) as tf.Tensor;
  assert.deepEqual(u.shape, [1, 4, 1, 2, 1]);
  assert.deepEqual(Array.from(u.dataSync()), [1, 1, 1, 1, 2, 2, 2, 2]);
  // Align corners: [0, 3] → [0, 1, 2, 3]; half-pixel: [0, 3] → [0, 0.75, 2.25, 3].
  const ac = new ResizeToShape({ size: [4, 1], alignCorners: true }).apply(
    tf.tensor4d([0, 3], [1, 2, 1, 1]),
  ) as tf.Tensor;
  close(ac.dataSync(), [0, 1, 2, 3]);
  const hp = new ResizeToShape({ size: [4, 1] }).apply(
    tf.tensor4d([0, 3], [1, 2, 1, 1]),
  ) as tf.Tensor;
  close(hp.dataSync(), [0, 0.75, 2.25, 3]);
  // Trilinear 3D (separable) from 2×1×1 to 3×1×1 align corners: middle is the mean.
  const t3 = new ResizeToShape({ size: [3, 1, 1], alignCorners: true }).apply(
    tf.tensor5d([2, 4], [1, 2, 1, 1, 1]),
  ) as tf.Tensor;
  close(t3.dataSync(), [2, 3, 4]);
  // Two-input form takes the second input's spatial shape.
  const two = new ResizeToShape({ method: "nearest" }).apply([
    tf.tensor4d([5], [1, 1, 1, 1]),
    tf.zeros([1, 2, 3, 7]),
  ]) as tf.Tensor;
  assert.deepEqual(two.shape, [1, 2, 3, 1]);
  checkLayerGradients(new ResizeToShape({ size: [3, 5] }), [randn([1, 2, 3, 2], 7)]);
  checkLayerGradients(new ResizeToShape({ size: [3, 3, 3], alignCorners: true }), [
    randn([1, 2, 2, 2, 1], 8),
  ]);
  checkLayerGradients(new Pad({ pads: [[1, 1], [0, 2], [1, 0]] }), [randn([1, 2, 2, 2, 1], 9)]);
  checkLayerGradients(new UpSampling3D({}), [randn([1, 1, 2, 2, 2], 10)]);
  await roundTrip(new ResizeToShape({ size: [4, 4], alignCorners: true }), [[2, 2, 1]], [
    randn([1, 2, 2, 1], 11),
  ]);
  await roundTrip(new UpSampling3D({ size: [1, 2, 2] }), [[1, 2, 2, 1]], [
    randn([1, 1, 2, 2, 1], 12),
  ]);
});

Deno.test("Act, LayerScale, ChannelScale, DropPath", async () => {
  const x = tf.tensor1d([-4, -1, 0, 1, 4]);
  close((new Act({ kind: "hswish" }).apply(x) as tf.Tensor).dataSync(), [
    0,
    -1 / 3,
    0,
    4 / 6 * 1,
    4,
  ]);
  close((new Act({ kind: "hsigmoid" }).apply(x) as tf.Tensor).dataSync(), [
    0,
    2 / 6,
    0.5,
    4 / 6,
    1,
  ]);
  close((new Act({ kind: "leaky" }).apply(x) as tf.Tensor).dataSync(), [-0.04, -0.01, 0, 1, 4]);
  close((new Act({ kind: "gelu" }).apply(tf.tensor1d([1])) as tf.Tensor).dataSync(), [0.8413447]);
  checkLayerGradients(new Act({ kind: "gelu" }), [randn([2, 3], 13)]);
  checkLayerGradients(new Act({ kind: "hswish" }), [randn([2, 3], 14)]);
  checkLayerGradients(new LayerScale({ init: 0.3 }), [randn([2, 3], 15)]);
  checkLayerGradients(new ChannelScale({}), [randn([2, 2, 2, 3], 16), randn([2, 3], 17)]);
  // DropPath: identity at inference; per-sample all-or-nothing in training; seeded.
  const dp = new DropPath({ rate: 0.5, seed: 3 });
  const ones = tf.ones([64, 3]);
  assert.deepEqual(Array.from((dp.apply(ones) as tf.Tensor).dataSync()), Array(192).fill(1));
  const a = (dp.apply(ones, { training: true }) as tf.Tensor).arraySync() as number[][];
  const b = (new DropPath({ rate: 0.5, seed: 3 }).apply(ones, { training: true }) as tf.Tensor)
    .arraySync() as number[][];
  assert.deepEqual(a, b);
  for (const row of a) assert.ok(row.every((v) => v === row[0]) && (row[0] === 0 || row[0] === 2));
  const kept = a.filter((r) => r[0] === 2).length;
  assert.ok(kept > 16 && kept < 48, `kept ${kept}`);
  await roundTrip(new Act({ kind: "hswish" }), [[3]], [randn([2, 3], 18)]);
  await roundTrip(new LayerScale({ init: 2 }), [[3]], [randn([2, 3], 19)]);
});

Deno.test("WSConv standardises each filter; GroupConv2D equals per-group conv", async () => {
  const l = new WSConv({ filters: 1, kernelSize: 1, epsilon: 0 });
  l.apply(tf.input({ shape: [1, 1, 1, 2] }));
  l.setWeights([tf.tensor5d([1, 3], [1, 1, 1, 2, 1])]);
  // mean 2, unbiased var 2 → [-1/√2, 1/√2]
  close(l.standardised().dataSync(), [-Math.SQRT1_2, Math.SQRT1_2]);
  const y = l.apply(tf.tensor5d([1, 1, 3, 5], [2, 1, 1, 1, 2])) as tf.Tensor;
  close(y.dataSync(), [0, 2 * Math.SQRT1_2]);
  checkLayerGradients(
    new WSConv({
      filters: 2,
      kernelSize: 3,
      padding: 1,
      strides: 2,
      kernelInit: { kind: "normal", std: 1, seed: 3 },
    }),
    [randn([1, 3, 3, 3, 2], 20)],
    { tol: 5e-2 },
  );
  checkLayerGradients(
    new WSConv({
      filters: 2,
      kernelSize: 3,
      padding: 1,
      unbiased: false,
      epsilon: 1e-6,
      kernelInit: { kind: "normal", std: 1, seed: 4 },
    }),
    [randn([1, 3, 3, 2], 21)],
    { tol: 5e-2 },
  );
  const g = new GroupConv2D({ filters: 2, kernelSize: 1, groups: 2 });
  g.apply(tf.input({ shape: [1, 1, 2] }));
  g.setWeights([tf.tensor4d([2, 3], [1, 1, 1, 2])]);
  close((g.apply(tf.tensor4d([5, 7], [1, 1, 1, 2])) as tf.Tensor).dataSync(), [10, 21]);
  checkLayerGradients(
    new GroupConv2D({
      filters: 4,
      kernelSize: 3,
      padding: 1,
      groups: 2,
      useBias: true,
      kernelInit: { kind: "normal", std: 0.5, seed: 1 },
    }),
    [randn([1, 3, 3, 4], 22)],
  );
  await roundTrip(
    new WSConv({
      filters: 3,
      kernelSize: 3,
      padding: 1,
      dilation: 2,
      kernelInit: { kind: "normal", std: 1, seed: 5 },
    }),
    [[5, 5, 5, 1]],
    [randn([1, 5, 5, 5, 1], 23)],
  );
  await roundTrip(
    new GroupConv2D({
      filters: 4,
      kernelSize: 3,
      groups: 2,
      kernelInit: { kind: "normal", std: 1, seed: 6 },
    }),
    [[4, 4, 2]],
    [randn([1, 4, 4, 2], 24)],
  );
});

Deno.test("WSConv: the TF 'same' path equals explicit symmetric padding (3D, dilation 1 and 2)", () => {
  for (const d of [1, 2]) {
    tf.tidy(() => {
      const l = new WSConv({
        filters: 3,
        kernelSize: 3,
        padding: d,
        dilation: d,
        kernelInit: { kind: "normal", std: 1, seed: 7 },
      });
      const x = randn([1, 6, 5, 7, 2], 30 + d), u = randn([1, 6, 5, 7, 3], 40 + d);
      const pads: [number, number][] = [[0, 0], [d, d], [d, d], [d, d], [0, 0]];
      const viaSame = (t: tf.Tensor) => l.apply(t) as tf.Tensor;
      const viaPad = (t: tf.Tensor) =>
        tf.conv3d(
          tf.pad(t, pads) as tf.Tensor5D,
          l.standardised() as tf.Tensor5D,
          1,
          "valid",
          "NDHWC",
          d,
        );
      close(viaSame(x).dataSync(), viaPad(x).dataSync(), 1e-4);
      const grad = (f: (t: tf.Tensor) => tf.Tensor) =>
        tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(t), u)))(x);
      close(grad(viaSame).dataSync(), grad(viaPad).dataSync(), 1e-4);
    });
  }
});

Deno.test("MultiHeadSelfAttention: identical tokens give v·W, gradients, round trip", async () => {
  // With identical tokens every attention row is uniform, so output = proj(v) for every token.
  const l = new MultiHeadSelfAttention({
    heads: 2,
    kernelInit: { kind: "normal", std: 0.5, seed: 1 },
    biasInit: { kind: "normal", std: 0.5, seed: 2 },
  });
  const x = tf.tile(randn([1, 1, 4], 25), [1, 3, 1]);
  const y = l.apply(x) as tf.Tensor;
  const [wqkv, bqkv, wp, bp] = l.getWeights();
  const v = tf.add(tf.matMul(x.reshape([3, 4]), wqkv.slice([0, 8], [4, 4])), bqkv.slice([8], [4]));
  close(y.dataSync(), tf.add(tf.matMul(v, wp), bp).dataSync(), 1e-4);
  checkLayerGradients(
    new MultiHeadSelfAttention({ heads: 2, kernelInit: { kind: "normal", std: 0.5, seed: 3 } }),
    [randn([1, 3, 4], 26)],
  );
  await roundTrip(new MultiHeadSelfAttention({ heads: 2 }), [[3, 4]], [randn([1, 3, 4], 27)]);
});

Deno.test("WindowAttention: index, mask, equals global attention when window covers the map", async () => {
  // Relative index of a 2×2 window in a table for w = 2 (3×3 table): centre offset (0,0) = 4.
  assert.deepEqual(Array.from(relativeIndex(2, 2, 2)), [
    4,
    3,
    1,
    0,
    5,
    4,
    2,
    1,
    7,
    6,
    4,
    3,
    8,
    7,
    5,
    4,
  ]);
  // 4×4 map, window 2, shift 1: the top-left window is one region (all 0); the last is split 4 ways.
  const m = shiftMask(4, 4, 2, 2, 1, 1);
  assert.deepEqual(Array.from(m.slice(0, 16)), Array(16).fill(0));
  assert.deepEqual(Array.from(m.slice(48, 52)), [0, -100, -100, -100]);
  // Window ≥ map: one window, no shift → plain MHSA + relative bias (table zero-initialised here).
  const wa = new WindowAttention({
    heads: 2,
    window: 3,
    shift: 1,
    kernelInit: { kind: "normal", std: 0.5, seed: 9 },
    tableInit: { kind: "zeros" },
  });
  const x = randn([1, 3, 3, 4], 28);
  const y = wa.apply(x) as tf.Tensor;
  const mh = new MultiHeadSelfAttention({ heads: 2 });
  mh.apply(tf.input({ shape: [9, 4] }));
  mh.setWeights(wa.getWeights().slice(1));
  const ref = mh.apply(x.reshape([1, 9, 4])) as tf.Tensor;
  close(y.dataSync(), ref.dataSync(), 1e-5);
  checkLayerGradients(
    new WindowAttention({
      heads: 2,
      window: 2,
      shift: 1,
      kernelInit: { kind: "normal", std: 0.5, seed: 4 },
      tableInit: { kind: "normal", std: 0.5, seed: 5 },
    }),
    [randn([1, 4, 4, 2], 29)],
  );
  // Padding path (5×5 map, window 2) keeps the shape.
  const pw = new WindowAttention({ heads: 1, window: 2, shift: 1 });
  assert.deepEqual((pw.apply(randn([1, 5, 5, 2], 30)) as tf.Tensor).shape, [1, 5, 5, 2]);
  await roundTrip(new WindowAttention({ heads: 2, window: 2, shift: 1 }), [[4, 4, 4]], [
    randn([1, 4, 4, 4], 31),
  ]);
});

Deno.test("PatchMerging: neighbour order (0,0),(1,0),(0,1),(1,1), gradients", async () => {
  const pm = new PatchMerging({});
  const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]); // rows [1 2; 3 4]
  pm.apply(x);
  // Identity-ish reduction: kernel picks each of the 4 concatenated features; LN of [1,3,2,4].
  const k = tf.tensor2d([1, 0, 0, 1, 0, 0, 0, 0], [4, 2]);
  pm.setWeights([tf.ones([4]), tf.zeros([4]), k]);
  const y = (pm.apply(x) as tf.Tensor).dataSync();
  const sd = Math.sqrt(1.25 + 1e-5);
  close(y, [(1 - 2.5) / sd, (3 - 2.5) / sd]);
  checkLayerGradients(new PatchMerging({ kernelInit: { kind: "normal", std: 0.5, seed: 2 } }), [
    randn([1, 2, 4, 2], 32),
  ]);
  await roundTrip(new PatchMerging({}), [[4, 4, 2]], [randn([1, 4, 4, 2], 33)]);
});

Deno.test("layers leak no tensors in inference", async () => {
  const l = new WindowAttention({ heads: 2, window: 2, shift: 1 });
  const x = randn([1, 4, 4, 4], 34);
  l.apply(x); // build
  await assertNoLeak(() => tf.tidy(() => (l.apply(x) as tf.Tensor).dataSync()));
  x.dispose();
});

Deno.test("DepthwiseConvTranspose2D matches PyTorch's transposed-conv rule", async () => {
  // 1-D along W: x = [1, 2], w = [a, b, c] = [1, 10, 100], s 2, p 1 → [b, c + 2a, 2b] (+ leading 0).
  const l = new DepthwiseConvTranspose2D({ kernelSize: 3, strides: 2, padding: 1, extra: 1 });
  l.apply(tf.input({ shape: [1, 2, 1] }));
  // Kernel [3, 3, 1, 1]: only the middle row (kh = 1) is non-zero, so H acts as identity-like.
  const k = new Float32Array(9);
  k.set([1, 10, 100], 3);
  l.setWeights([tf.tensor4d(k, [3, 3, 1, 1]), tf.zeros([1])]);
  const y = l.apply(tf.tensor4d([1, 2], [1, 1, 2, 1])) as tf.Tensor;
  assert.deepEqual(y.shape, [1, 2, 4, 1]);
  // Row 0 is the leading pad; row 1 holds the kh = 1 taps for input row 0.
  close(Array.from(y.dataSync()).slice(4), [0, 10, 102, 20]);
  checkLayerGradients(
    new DepthwiseConvTranspose2D({
      kernelSize: 3,
      strides: 2,
      padding: 1,
      kernelInit: { kind: "normal", std: 0.5, seed: 3 },
    }),
    [randn([1, 2, 3, 2], 35)],
  );
  await roundTrip(
    new DepthwiseConvTranspose2D({ kernelSize: 3, strides: 2, padding: 1, extra: 1 }),
    [[3, 3, 2]],
    [randn([1, 3, 3, 2], 36)],
  );
});

Deno.test("PatchConvTranspose equals TF.js conv2dTranspose (k = s = 2); DepthToSpace gradients", async () => {
  const l = new PatchConvTranspose({
    filters: 3,
    kernelSize: 2,
    kernelInit: { kind: "normal", std: 1, seed: 8 },
  });
  const x = randn([1, 3, 2, 4], 37);
  const y = l.apply(x) as tf.Tensor;
  const ref = tf.conv2dTranspose(
    x as tf.Tensor4D,
    l.getWeights()[0] as tf.Tensor4D,
    [1, 6, 4, 3],
    2,
    "valid",
  );
  close(y.dataSync(), ref.dataSync(), 1e-4);
  checkLayerGradients(
    new PatchConvTranspose({
      filters: 2,
      kernelSize: 2,
      useBias: true,
      kernelInit: { kind: "normal", std: 0.5, seed: 9 },
    }),
    [randn([1, 2, 2, 2, 3], 38)],
  );
  const d2s = new DepthToSpace({ blockSize: 2 });
  close((d2s.apply(x) as tf.Tensor).dataSync(), tf.depthToSpace(x as tf.Tensor4D, 2).dataSync(), 0);
  checkLayerGradients(new DepthToSpace({ blockSize: 2 }), [randn([1, 2, 3, 8], 39)]);
  await roundTrip(new PatchConvTranspose({ filters: 2, kernelSize: 2 }), [[2, 2, 2, 3]], [
    randn([1, 2, 2, 2, 3], 40),
  ]);
});

Deno.test("AdaptiveAvgPool uses PyTorch's overlapping bins", () => {
  // 3 → 2 bins: [0, 2) and [1, 3).
  const y = new AdaptiveAvgPool({ bins: 2 }).apply(
    tf.tensor4d([1, 2, 4, 8, 16, 32, 64, 128, 256], [1, 3, 3, 1]),
  ) as tf.Tensor;
  close(y.dataSync(), [
    (1 + 2 + 8 + 16) / 4,
    (2 + 4 + 16 + 32) / 4,
    (8 + 16 + 64 + 128) / 4,
    (16 + 32 + 128 + 256) / 4,
  ]);
  checkLayerGradients(new AdaptiveAvgPool({ bins: 3 }), [randn([1, 4, 5, 2], 41)]);
});

Deno.test("ResizeToShape 2D bilinear/nearest (per-axis JS kernel on CPU) equals the separable rule, values and gradients", () => {
  const { interpAxis } = spatial;
  const modes = [["bilinear", true], ["bilinear", false], ["nearest", false]] as const;
  for (const [method, alignCorners] of modes) {
    for (
      const [inp, size] of [[[2, 3, 5, 4], [96, 7]], [[1, 6, 4, 2], [3, 9]], [[1, 1, 2, 1], [4, 4]]]
    ) {
      const x = randn(inp, 21);
      const mode = { method, alignCorners };
      const layer = new ResizeToShape({ size, alignCorners, method });
      const ref = (t: tf.Tensor) => interpAxis(interpAxis(t, 1, size[0], mode), 2, size[1], mode);
      const w = randn([inp[0], size[0], size[1], inp[3]], 22);
      const [ya, yb] = [layer.apply(x) as tf.Tensor, ref(x)];
      const ga = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(layer.apply(t) as tf.Tensor, w)))(x);
      const gb = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(ref(t), w)))(x);
      const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
      assert.ok(maxDiff(ya, yb) < 1e-5, `values ${inp}→${size} align ${alignCorners}`);
      assert.ok(maxDiff(ga, gb) < 1e-4, `gradients ${inp}→${size} align ${alignCorners}`);
      tf.dispose([x, w, ya, yb, ga, gb]);
    }
  }
});

Deno.test("lerpAxis (JS kernel, custom gradient) equals interpAxis on 5D tensors, values and gradients", () => {
  const { interpAxis, lerpAxis } = spatial;
  const modes = [["bilinear", true], ["bilinear", false], ["nearest", false]] as const;
  const before = tf.memory().numTensors;
  for (const [method, alignCorners] of modes) {
    for (const [axis, out] of [[1, 7], [2, 3], [3, 16]]) {
      const mode = { method, alignCorners };
      const [dy, dg, same] = tf.tidy(() => {
        const x = randn([2, 3, 5, 4, 3], 31 + axis);
        const w = randn([2, 3, 5, 4, 3].map((d, i) => (i === axis ? out : d)), 32);
        const loss = (fn: typeof lerpAxis) => (t: tf.Tensor) =>
          tf.sum(tf.mul(fn(t, axis, out, mode), w));
        const [ya, yb] = [lerpAxis(x, axis, out, mode), interpAxis(x, axis, out, mode)];
        const [ga, gb] = [tf.grad(loss(lerpAxis))(x), tf.grad(loss(interpAxis))(x)];
        const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
        return [maxDiff(ya, yb), maxDiff(ga, gb), ya.shape.join() === yb.shape.join()];
      });
      assert.ok(same, "shapes");
      assert.ok(dy < 1e-5, `values axis ${axis} → ${out} ${method} ${alignCorners}`);
      assert.ok(dg < 1e-4, `gradients axis ${axis} → ${out} ${method} ${alignCorners}`);
    }
  }
  assert.equal(tf.memory().numTensors, before);
});
