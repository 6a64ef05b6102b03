/**
 * LCKD `DualNet` (spec 05 §3): a shared 3D ResNet-50-style encoder (weight-standardised convs,
 * InstanceNorm, LeakyReLU 0.01) applied to every modality through the batch axis, a reduce conv
 * and ASPP (dilations 2, 4, 8 plus a global branch), mean "fill-in" of absent modalities at the
 * bottleneck, and a decoder of k = s = 2 transposed convs + 1×1 skip projections + BasicBlocks,
 * a plain 1×1 head and a final trilinear ×(1, 2, 2) upsample (align-corners false).
 *
 * Inputs: `image` [D, H, W, 4] (flair, t1, t1ce, t2) and `present` [4] (0/1, the same set for
 * the whole batch; absent channels are zeroed inside the model). Logits: [D, H, W, 3] (ET, WT,
 * TC; sigmoid per channel). Taps: `features` = per-modality ASPP outputs regrouped to
 * [d, h, w, 4·C] (channel m·C + c, before filling: the distilled features) and `fused` (after
 * filling). Variant `"demo"` is spec 05 §10.2's 3-stage net (blocks 1, 1, 1; 274,640
 * parameters). The dilated ASPP convs need the dilated-conv gradient from `lib/tf/kernels` to
 * train; the forward pass and counts do not.
 *
 * @module
 */
import * as tf from "../../tf/tf.ts";
import type { Builder, T } from "../build.ts";
import { act, add, concat, scaled } from "../build.ts";
import {
  ChannelScale,
  GlobalPool,
  InstanceNorm,
  ModalityToBatch,
  Pad,
  PatchConvTranspose,
  RegroupModalities,
  ResizeToShape,
  WSConv,
} from "../layers/mod.ts";
import type { Graph, ModelOptions, ModelSpec } from "../types.ts";

type Cfg = { stem: number; planes: number[]; blocks: number[]; aspp: number; decoder: number[] };
const PAPER_CFG: Cfg = {
  stem: 64,
  planes: [64, 128, 256, 320],
  blocks: [3, 4, 6, 3],
  aspp: 256,
  decoder: [256, 128, 64, 32],
};
const DEMO_CFG: Cfg = {
  stem: 8,
  planes: [8, 16, 32],
  blocks: [1, 1, 1],
  aspp: 32,
  decoder: [32, 16, 8],
};

function ws(
  b: Builder,
  x: T,
  filters: number,
  k: number,
  name: string,
  o: { s?: number | number[]; p?: number; d?: number } = {},
): T {
  const kk = k ** 3;
  return new WSConv({
    filters,
    kernelSize: k,
    strides: o.s ?? 1,
    padding: o.p ?? 0,
    dilation: o.d ?? 1,
    kernelInit: b.spec("kaiming_out", (x.shape[4] as number) * kk, filters * kk),
    name,
  }).apply(x) as T;
}

const inorm = (_b: Builder, x: T, name: string) => new InstanceNorm({ name }).apply(x) as T;
const leaky = (x: T, name: string) => act(x, "leaky", name);
const wsNormAct = (
  b: Builder,
  x: T,
  f: number,
  k: number,
  name: string,
  o: { s?: number | number[]; p?: number; d?: number } = {},
) => leaky(inorm(b, ws(b, x, f, k, `${name}.conv`, o), `${name}.norm`), `${name}.act`);

function bottleneck(b: Builder, x: T, p: number, s: number, first: boolean, name: string): T {
  let y = wsNormAct(b, x, p, 1, `${name}.1`);
  y = wsNormAct(b, y, p, 3, `${name}.2`, { s, p: 1 });
  y = inorm(b, ws(b, y, 4 * p, 1, `${name}.conv3`), `${name}.norm3`);
  const short = first
    ? inorm(b, ws(b, x, 4 * p, 1, `${name}.downsample.conv`, { s }), `${name}.downsample.norm`)
    : x;
  return leaky(add([y, short], `${name}.add`), `${name}.act`);
}

function basicBlock(b: Builder, x: T, c: number, name: string): T {
  let y = wsNormAct(b, x, c, 3, `${name}.1`, { p: 1 });
  y = inorm(b, ws(b, y, c, 3, `${name}.conv2`, { p: 1 }), `${name}.norm2`);
  return leaky(add([y, x], `${name}.add`), `${name}.act`);
}

function aspp(b: Builder, x: T, c: number): T {
  const branches = [wsNormAct(b, x, c, 1, "aspp.b0")];
  [2, 4, 8].forEach((d, i) => branches.push(wsNormAct(b, x, c, 3, `aspp.b${i + 1}`, { p: d, d })));
  let g = new GlobalPool({ mode: "avg", name: "aspp.b4.pool" }).apply(x) as T;
  g = tf.layers.reshape({ targetShape: [1, 1, 1, x.shape[4] as number], name: "aspp.b4.reshape" })
    .apply(g) as T;
  g = wsNormAct(b, g, c, 1, "aspp.b4");
  branches.push(new ResizeToShape({ alignCorners: true, name: "aspp.b4.up" }).apply([g, x]) as T);
  return wsNormAct(b, concat(branches, "aspp.cat"), c, 1, "aspp.project");
}

function dualNet(b: Builder, o: ModelOptions & { width: number }): Graph {
  const base = o.variant === "demo" ? DEMO_CFG : PAPER_CFG;
  const w = (c: number) => scaled(c, o.width);
  const M = o.inputShape[3];
  const image = tf.input({ shape: o.inputShape, name: "image" });
  const present = tf.input({ shape: [M], name: "present" });
  const masked = new ChannelScale({ name: "mask_absent" }).apply([image, present]) as T;
  let x = new ModalityToBatch({ name: "modality_to_batch" }).apply(masked) as T;
  // Encoder (shared weights).
  x = wsNormAct(b, x, w(base.stem), 7, "stem", { s: [1, 2, 2], p: 3 });
  const skips: T[] = [x];
  x = new Pad({ pads: [[1, 1], [1, 1], [1, 1]], value: -Infinity, name: "maxpool.pad" }).apply(
    x,
  ) as T;
  x = tf.layers.maxPooling3d({ poolSize: 3, strides: 2, padding: "valid", name: "maxpool" }).apply(
    x,
  ) as T;
  base.blocks.forEach((n, i) => {
    for (let j = 0; j < n; j++) {
      x = bottleneck(
        b,
        x,
        w(base.planes[i]),
        j === 0 && i > 0 ? 2 : 1,
        j === 0,
        `layer${i + 1}.${j}`,
      );
    }
    if (i < base.blocks.length - 1) skips.push(x);
  });
  x = wsNormAct(b, x, w(base.aspp), 1, "reduce");
  const f = aspp(b, x, w(base.aspp));
  const features = new RegroupModalities({ modalities: M, name: "features" }).apply(f) as T;
  let y = new RegroupModalities({ modalities: M, name: "fused" }).apply([f, present]) as T;
  const fused = y;
  // Decoder.
  base.decoder.forEach((c0, i) => {
    const c = w(c0);
    const skip = new RegroupModalities({
      modalities: M,
      name: `skip${skips.length - 1 - i}.regroup`,
    })
      .apply(skips[skips.length - 1 - i]) as T;
    const cin = y.shape[4] as number;
    y = new PatchConvTranspose({
      filters: c,
      kernelSize: 2,
      kernelInit: b.spec("kaiming_out", c * 8, cin * 8),
      name: `up${i}.transpose`,
    }).apply(y) as T;
    y = add([y, wsNormAct(b, skip, c, 1, `up${i}.skip`)], `up${i}.add`);
    y = basicBlock(b, y, c, `up${i}.block`);
  });
  const cin = y.shape[4] as number;
  y = tf.layers.conv3d({
    filters: o.classes,
    kernelSize: 1,
    useBias: false,
    kernelInitializer: b.init("kaiming_out", cin, o.classes),
    name: "cls_conv",
  }).apply(y) as T;
  const logits = new ResizeToShape({ size: o.inputShape.slice(0, 3), name: "upsample" }).apply(
    y,
  ) as T;
  return { inputs: [image, present], logits, taps: [["features", features], ["fused", fused]] };
}

/** LCKD DualNet. */
export const LCKD: ModelSpec[] = [{
  name: "lckd_dualnet",
  family: "seg3d",
  description:
    "LCKD DualNet (spec 05 §3): shared WS-ResNet encoder + ASPP, fill-in fusion, decoder",
  build: dualNet,
  paper: { inputShape: [80, 160, 160, 4], classes: 3, params: 43_656_672 },
  demo: { inputShape: [16, 32, 32, 4], classes: 3, width: 1, params: 274_640, variant: "demo" },
  deviations: "none in structure; dilated convs train only with medkd's dilated-conv gradient",
}];
