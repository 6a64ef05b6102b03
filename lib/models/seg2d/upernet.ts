/**
 * ConvNeXt-B + UPerNet (spec 03 §3.2, Synapse teacher; the spec gives no parameter count).
 * ConvNeXt-B (mmcls layout): 4×4/4 stem conv + LN, stages of depths 3, 3, 27, 3 and widths 128,
 * 256, 512, 1024, block = depthwise 7×7 → LN → Linear 4C → GELU → Linear C → LayerScale (1e-6)
 * → drop path (0→0.4), residual; downsampling LN + 2×2/2 conv; a LayerNorm on each stage output.
 * UPerHead (512 channels): PPM with adaptive average pools 1, 2, 3, 6 (1×1 ConvModules, bilinear
 * back), 3×3 bottleneck, 1×1 laterals, top-down sums, 3×3 FPN convs, fused 3×3 ConvModule on the
 * concatenation, Dropout2d 0.1, `conv_seg` → classes at H/4. ImageNet initialisation is not
 * available offline (random init). The auxiliary FCN head of MMSeg's UPerNet configs is not
 * built. Taps: stage outputs `s1…s4`.
 *
 * @module
 */
import * as tf from "../../tf/tf.ts";
import type { Builder, T } from "../build.ts";
import { act, add, ch, concat, conv, dense, scaled } from "../build.ts";
import { layerNorm } from "../blocks.ts";
import { AdaptiveAvgPool, DropPath, LayerScale, ResizeToShape } from "../layers/mod.ts";
import { convModule, convSeg, dropout2d } from "./fcn.ts";
import type { Graph, ModelOptions, ModelSpec } from "../types.ts";

function convnextBlock(b: Builder, x: T, dp: number, name: string): T {
  const c = ch(x);
  let y = conv(b, x, {
    filters: c,
    k: 7,
    p: 3,
    depthwise: true,
    bias: true,
    init: { trunc: 0.02 },
    biasInit: "zeros",
  }, `${name}.depthwise_conv`);
  y = layerNorm(b, y, `${name}.norm`, 1e-6);
  y = act(
    dense(b, y, 4 * c, `${name}.pointwise_conv1`, { init: { trunc: 0.02 }, biasInit: "zeros" }),
    "gelu",
    `${name}.act`,
  );
  y = dense(b, y, c, `${name}.pointwise_conv2`, { init: { trunc: 0.02 }, biasInit: "zeros" });
  y = new LayerScale({ init: 1e-6, name: `${name}.gamma` }).apply(y) as T;
  if (dp > 0) {
    y = new DropPath({ rate: dp, seed: b.rng.seed(), name: `${name}.drop_path` }).apply(y) as T;
  }
  return add([x, y], `${name}.add`);
}

function upernet(b: Builder, o: ModelOptions & { width: number }): Graph {
  const dims = [128, 256, 512, 1024].map((c) => scaled(c, o.width));
  const depths = [3, 3, 27, 3];
  const chn = scaled(512, o.width);
  const input = tf.input({ shape: o.inputShape, name: "image" });
  let x = conv(b, input, {
    filters: dims[0],
    k: 4,
    s: 4,
    bias: true,
    init: { trunc: 0.02 },
    biasInit: "zeros",
  }, "backbone.downsample_layers.0.0");
  x = layerNorm(b, x, "backbone.downsample_layers.0.1", 1e-6);
  const total = depths.reduce((a, v) => a + v, 0);
  let k = 0;
  const feats: T[] = [];
  depths.forEach((n, i) => {
    if (i > 0) {
      x = layerNorm(b, x, `backbone.downsample_layers.${i}.0`, 1e-6);
      x = conv(b, x, {
        filters: dims[i],
        k: 2,
        s: 2,
        bias: true,
        init: { trunc: 0.02 },
        biasInit: "zeros",
      }, `backbone.downsample_layers.${i}.1`);
    }
    for (let j = 0; j < n; j++) {
      x = convnextBlock(b, x, (0.4 * k++) / (total - 1), `backbone.stages.${i}.${j}`);
    }
    feats.push(layerNorm(b, x, `backbone.norm${i}`, 1e-6));
  });
  const like = (t: T, ref: T, name: string) => new ResizeToShape({ name }).apply([t, ref]) as T;
  const top = feats[3];
  const ppm = [1, 2, 3, 6].map((s, i) => {
    const p = new AdaptiveAvgPool({ bins: s, name: `decode_head.psp_modules.${i}.0` }).apply(
      top,
    ) as T;
    return like(
      convModule(b, p, chn, 1, `decode_head.psp_modules.${i}.1`),
      top,
      `decode_head.psp_modules.${i}.up`,
    );
  });
  const psp = convModule(
    b,
    concat([top, ...ppm], "decode_head.psp_cat"),
    chn,
    3,
    "decode_head.bottleneck",
  );
  const lat = feats.slice(0, 3).map((f, i) =>
    convModule(b, f, chn, 1, `decode_head.lateral_convs.${i}`)
  );
  lat.push(psp);
  for (let i = 3; i > 0; i--) {
    lat[i - 1] = add(
      [lat[i - 1], like(lat[i], lat[i - 1], `decode_head.td${i}`)],
      `decode_head.td_add${i}`,
    );
  }
  const outs = lat.slice(0, 3).map((l, i) =>
    convModule(b, l, chn, 3, `decode_head.fpn_convs.${i}`)
  );
  outs.push(psp);
  const fused = concat(
    outs.map((t, i) => (i === 0 ? t : like(t, outs[0], `decode_head.fuse_up${i}`))),
    "decode_head.fuse_cat",
  );
  let y = convModule(b, fused, chn, 3, "decode_head.fpn_bottleneck");
  y = dropout2d(b, y, 0.1, "decode_head.dropout");
  const logits = convSeg(b, y, o.classes);
  return { inputs: input, logits, taps: feats.map((f, i): [string, T] => [`s${i + 1}`, f]) };
}

/** ConvNeXt-B UPerNet. */
export const UPERNET: ModelSpec[] = [{
  name: "convnext_b_upernet",
  family: "seg2d",
  description: "ConvNeXt-B + UPerNet teacher (spec 03 §3.2; no count in the spec), logits at H/4",
  build: upernet,
  paper: { inputShape: [512, 512, 1], classes: 9, params: null },
  demo: { inputShape: [64, 64, 1], classes: 9, width: 1 / 8, params: null },
  deviations: "random init (ImageNet weights unavailable); MMSeg's auxiliary FCN head not built",
}];
