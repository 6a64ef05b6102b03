/**
 * Benchmark workloads (a)–(d): one Adam train step (or one inference) of the speed-note UNet,
 * a ResNet-18-UNet and a small 3D UNet, built here with tf.layers. The same architectures are in
 * `train_step_torch.py`.
 *
 * CLI (used by `mod.ts`, one workload per process so a slow backend can be capped):
 *   deno run -A scripts/bench/train_step.ts <workload> <backend> [reps] [--profile]
 * workload: unet2d | resunet | unet3d | unet3d_in | unet2d_infer | resunet_infer
 * backend: cpu (fast kernels) | cpu-ref (TF.js reference kernels) | webgpu
 * Prints one JSON line `{ "workload", "backend", "detail", "ms": [...], "cpuMs": [...] }` (wall and
 * process CPU time per step).
 * @module
 */
import process from "node:process";
import * as tf from "../../lib/tf/tf.ts";
import { initBackend } from "../../lib/tf/backend.ts";
import { installFastKernels } from "../../lib/tf/kernels/mod.ts";
import { createRng } from "../../lib/random/mod.ts";
import { InstanceNorm } from "../../lib/models/layers/norm.ts";

type L = tf.SymbolicTensor;

/** 3×3×3 conv + InstanceNorm (affine) + LeakyReLU(0.01): the nnU-Net / LCKD block. */
function convInLrelu(x: L, f: number): L {
  const y = tf.layers.conv3d({ filters: f, kernelSize: 3, padding: "same", useBias: false })
    .apply(x) as L;
  const n = new InstanceNorm({ epsilon: 1e-5, affine: true }).apply(y) as L;
  return tf.layers.leakyReLU({ alpha: 0.01 }).apply(n) as L;
}

function convBnRelu(x: L, f: number, k = 3, s = 1, rank = 2): L {
  const conv = rank === 2
    ? tf.layers.conv2d({ filters: f, kernelSize: k, strides: s, padding: "same", useBias: false })
    : tf.layers.conv3d({ filters: f, kernelSize: k, strides: s, padding: "same", useBias: false });
  let y = conv.apply(x) as L;
  // TF.js's batchNorm op stops at rank 4: a 5D tensor is normalised as [N, D·H, W, C] (same
  // per-channel statistics over N·D·H·W as PyTorch's BatchNorm3d)
  const sh = y.shape as number[];
  if (rank === 3) {
    y = tf.layers.reshape({ targetShape: [sh[1] * sh[2], sh[3], sh[4]] }).apply(y) as L;
  }
  y = tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }).apply(y) as L;
  if (rank === 3) y = tf.layers.reshape({ targetShape: sh.slice(1) }).apply(y) as L;
  return tf.layers.reLU().apply(y) as L;
}

/** (a) UNet, widths 16/32/64/128, 2× (conv3×3 + BN + ReLU) per level, 2×2 transposed-conv up. */
export function unet2d(
  size = 64,
  inCh = 1,
  classes = 2,
  widths = [16, 32, 64, 128],
): tf.LayersModel {
  const inp = tf.input({ shape: [size, size, inCh] });
  let x: L = inp;
  const skips: L[] = [];
  widths.forEach((w, i) => {
    x = convBnRelu(convBnRelu(x, w), w);
    if (i < widths.length - 1) {
      skips.push(x);
      x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as L;
    }
  });
  for (let i = widths.length - 2; i >= 0; i--) {
    x = tf.layers.conv2dTranspose({ filters: widths[i], kernelSize: 2, strides: 2 }).apply(x) as L;
    x = tf.layers.concatenate().apply([skips[i], x]) as L;
    x = convBnRelu(convBnRelu(x, widths[i]), widths[i]);
  }
  const out = tf.layers.conv2d({ filters: classes, kernelSize: 1 }).apply(x) as L;
  return tf.model({ inputs: inp, outputs: out });
}

function basicBlock(x: L, f: number, stride: number): L {
  let y = convBnRelu(x, f, 3, stride);
  y = tf.layers.conv2d({ filters: f, kernelSize: 3, padding: "same", useBias: false }).apply(
    y,
  ) as L;
  y = tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }).apply(y) as L;
  let sc = x;
  if (stride !== 1 || (x.shape[3] as number) !== f) {
    sc = tf.layers.conv2d({ filters: f, kernelSize: 1, strides: stride, useBias: false })
      .apply(x) as L;
    sc = tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }).apply(sc) as L;
  }
  return tf.layers.reLU().apply(tf.layers.add().apply([y, sc]) as L) as L;
}

/** (b) ResNet-18 encoder + U-Net decoder (256/128/64/32/16, nearest ×2 upsampling). */
export function resnet18Unet(size = 224, inCh = 3, classes = 2): tf.LayersModel {
  const inp = tf.input({ shape: [size, size, inCh] });
  const c1 = convBnRelu(inp, 64, 7, 2); // 112
  let x = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: "same" }).apply(c1) as L; // 56
  const feats: L[] = [c1];
  [64, 128, 256, 512].forEach((f, i) => {
    x = basicBlock(basicBlock(x, f, i === 0 ? 1 : 2), f, 1);
    feats.push(x);
  });
  const skips = [feats[3], feats[2], feats[1], feats[0], null];
  [256, 128, 64, 32, 16].forEach((f, i) => {
    x = tf.layers.upSampling2d({ size: [2, 2] }).apply(x) as L;
    const s = skips[i];
    if (s) x = tf.layers.concatenate().apply([x, s]) as L;
    x = convBnRelu(convBnRelu(x, f), f);
  });
  const out = tf.layers.conv2d({ filters: classes, kernelSize: 3, padding: "same" }).apply(x) as L;
  return tf.model({ inputs: inp, outputs: out });
}

/** 3×3×3 conv + BN + ReLU, the block of (c). */
const convBnRelu3d = (x: L, f: number): L => convBnRelu(x, f, 3, 1, 3);

/**
 * (c) 3D UNet, widths 16/32/64, input D×H×W = 16×64×64×4, 2×2×2 transposed-conv up; with
 * `block = convInLrelu` it is (c2), the nnU-Net / LCKD variant (InstanceNorm + LeakyReLU, medkd's
 * fused normalisation kernel on the CPU backend).
 */
export function unet3d(
  d = 16,
  hw = 64,
  inCh = 4,
  classes = 2,
  widths = [16, 32, 64],
  block: (x: L, f: number) => L = convBnRelu3d,
): tf.LayersModel {
  const inp = tf.input({ shape: [d, hw, hw, inCh] });
  let x: L = inp;
  const skips: L[] = [];
  widths.forEach((w, i) => {
    x = block(block(x, w), w);
    if (i < widths.length - 1) {
      skips.push(x);
      x = tf.layers.maxPooling3d({ poolSize: 2 }).apply(x) as L;
    }
  });
  for (let i = widths.length - 2; i >= 0; i--) {
    x = tf.layers.conv3dTranspose({ filters: widths[i], kernelSize: 2, strides: 2 }).apply(x) as L;
    x = tf.layers.concatenate().apply([skips[i], x]) as L;
    x = block(block(x, widths[i]), widths[i]);
  }
  const out = tf.layers.conv3d({ filters: classes, kernelSize: 1 }).apply(x) as L;
  return tf.model({ inputs: inp, outputs: out });
}

/** A workload: model, batch shape, whether it trains. */
export type Workload = { model: () => tf.LayersModel; batch: number[]; train: boolean };

/** The workloads by name. */
export const workloads: Record<string, Workload> = {
  unet2d: { model: () => unet2d(), batch: [16, 64, 64, 1], train: true },
  resunet: { model: () => resnet18Unet(), batch: [4, 224, 224, 3], train: true },
  unet3d: { model: () => unet3d(), batch: [2, 16, 64, 64, 4], train: true },
  unet3d_in: {
    model: () => unet3d(16, 64, 4, 2, [16, 32, 64], convInLrelu),
    batch: [2, 16, 64, 64, 4],
    train: true,
  },
  unet2d_infer: { model: () => unet2d(), batch: [16, 64, 64, 1], train: false },
  resunet_infer: { model: () => resnet18Unet(), batch: [4, 224, 224, 3], train: false },
};

/** Build one step closure for a workload (fixed seeded data); dispose with the returned fn. */
export function makeStep(
  w: Workload,
): { step: () => Promise<void>; dispose: () => void; params: number } {
  const model = w.model();
  const rng = createRng(1);
  const n = w.batch.reduce((a, b) => a * b, 1);
  const xv = new Float32Array(n);
  for (let i = 0; i < n; i++) xv[i] = rng.normal();
  const x = tf.tensor(xv, w.batch);
  const outShape = model.outputs[0].shape.slice(1) as number[];
  const classes = outShape[outShape.length - 1];
  const labels = new Int32Array(w.batch[0] * outShape.slice(0, -1).reduce((a, b) => a * b, 1));
  for (let i = 0; i < labels.length; i++) labels[i] = rng.int(0, classes);
  const y = tf.oneHot(tf.tensor1d(labels, "int32"), classes).reshape([w.batch[0], ...outShape]);
  const opt = tf.train.adam(1e-3);
  const step = async () => {
    if (w.train) {
      const loss = opt.minimize(() => {
        const logits = model.apply(x, { training: true }) as tf.Tensor;
        return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
      }, true);
      await loss!.data(); // data(), not dataSync(): WebGPU cannot read synchronously
      loss!.dispose();
    } else {
      const out = model.predict(x) as tf.Tensor;
      await out.data();
      out.dispose();
    }
  };
  return {
    step,
    params: model.countParams(),
    dispose: () => {
      tf.dispose([x, y]);
      opt.dispose();
      model.dispose();
    },
  };
}

async function main(): Promise<void> {
  const [name, backend = "cpu", repsArg = "5"] = Deno.args;
  const profile = Deno.args.includes("--profile");
  const w = workloads[name];
  if (!w) throw new Error(`unknown workload ${name}`);
  let detail = "";
  if (backend === "webgpu") {
    detail = (await initBackend("webgpu", { quiet: true })).detail;
  } else {
    await initBackend("cpu", { quiet: true });
    if (backend === "cpu") {
      const info = await installFastKernels({ force: true });
      detail = `fast kernels, ${info.blas}`;
    } else {
      const { restoreReferenceKernels } = await import("../../lib/tf/kernels/mod.ts");
      restoreReferenceKernels();
      detail = "TF.js reference kernels";
    }
  }
  const s = makeStep(w);
  await s.step(); // warm-up
  const ms: number[] = [], cpuMs: number[] = [];
  const reps = Number(repsArg);
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await s.step();
    ms.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuMs.push((c.user + c.system) / 1000);
  }
  let top: [string, number][] | undefined;
  if (profile) {
    const info = await tf.profile(async () => await s.step());
    const acc = new Map<string, number>();
    for (const k of info.kernels) {
      acc.set(k.name, (acc.get(k.name) ?? 0) + (k.kernelTimeMs as number));
    }
    top = [...acc].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([k, v]) => [k, Math.round(v)]);
  }
  s.dispose();
  console.log(
    JSON.stringify({ workload: name, backend, detail, params: s.params, ms, cpuMs, profile: top }),
  );
}

if (import.meta.main) await main();
