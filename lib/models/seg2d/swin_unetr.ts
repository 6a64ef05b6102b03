/**
 * Swin-UNETR 2D (spec 03 §3.3; MONAI `SwinUNETR`, spatial_dims 2, feature size 48, depths
 * 2,2,2,2, heads 3,6,12,24, window 7, patch 2, InstanceNorm (no affine) in the conv blocks,
 * no dropout). Swin encoder: patch-embed conv → 4 × (2 Swin blocks, the second shifted by 3 →
 * patch merging); each hidden state passes a parameter-free LayerNorm (`normalize=True`).
 * Decoder: `UnetrBasicBlock` residual encoders on the input and hidden states, `UnetrUpBlock`s
 * (k = s = 2 transposed conv, concat skip, residual block), 1×1 output conv. Maps whose side is
 * not a multiple of 7 are zero-padded inside each window attention (MONAI pads likewise; for
 * maps smaller than the window MONAI slices its bias index, medkd uses the true offsets).
 * Taps: the five hidden states `h0…h4` and the last decoder map `dec0`.
 *
 * @module
 */
import * as tf from "../../tf/tf.ts";
import type { Builder, T } from "../build.ts";
import { act, add, ch, concat, conv, scaled } from "../build.ts";
import { swinBlock } from "../blocks.ts";
import { InstanceNorm, PatchMerging } from "../layers/mod.ts";
import type { Graph, ModelOptions, ModelSpec } from "../types.ts";

const inorm = (x: T, name: string) => new InstanceNorm({ affine: false, name }).apply(x) as T;

/** MONAI `UnetResBlock` (k 3, stride 1): conv-IN-lrelu-conv-IN (+ 1×1 conv-IN shortcut) → lrelu. */
export function unetResBlock(b: Builder, x: T, out: number, name: string): T {
  let y = conv(b, x, { filters: out, k: 3, p: 1, init: "torch" }, `${name}.conv1.conv`);
  y = act(inorm(y, `${name}.norm1`), "leaky", `${name}.lrelu1`);
  y = inorm(
    conv(b, y, { filters: out, k: 3, p: 1, init: "torch" }, `${name}.conv2.conv`),
    `${name}.norm2`,
  );
  const res = ch(x) === out ? x : inorm(
    conv(b, x, { filters: out, k: 1, init: "torch" }, `${name}.conv3.conv`),
    `${name}.norm3`,
  );
  return act(add([y, res], `${name}.add`), "leaky", `${name}.lrelu`);
}

/** MONAI `UnetrUpBlock`: transposed conv k = s = 2 (no bias), concat skip, residual block. */
export function unetrUpBlock(b: Builder, x: T, skip: T, out: number, name: string): T {
  const up = tf.layers.conv2dTranspose({
    filters: out,
    kernelSize: 2,
    strides: 2,
    padding: "valid",
    useBias: false,
    kernelInitializer: b.init("torch", out * 4, ch(x) * 4),
    name: `${name}.transp_conv.conv`,
  }).apply(x) as T;
  return unetResBlock(b, concat([up, skip], `${name}.cat`), out, `${name}.conv_block`);
}

function swinUnetr(b: Builder, o: ModelOptions & { width: number }): Graph {
  const fs = scaled(48, o.width);
  const heads = [3, 6, 12, 24];
  const input = tf.input({ shape: o.inputShape, name: "image" });
  // Parameter-free LayerNorm (MONAI `F.layer_norm` without weights): a frozen γ = 1, β = 0
  // LayerNorm (TF.js's center/scale = false path records an undefined tensor for the gradient).
  const pn = (x: T, name: string) =>
    tf.layers.layerNormalization({
      axis: -1,
      trainable: false,
      gammaInitializer: tf.initializers.ones(),
      betaInitializer: tf.initializers.zeros(),
      name,
    }).apply(x) as T;
  let x = conv(
    b,
    input,
    { filters: fs, k: 2, s: 2, bias: true, init: "torch" },
    "swinViT.patch_embed.proj",
  );
  const hidden: T[] = [pn(x, "h0")];
  heads.forEach((h, i) => {
    for (let j = 0; j < 2; j++) {
      x = swinBlock(
        b,
        x,
        { heads: h, window: 7, shift: j % 2 ? 3 : 0 },
        `swinViT.layers${i + 1}.0.blocks.${j}`,
      );
    }
    x = new PatchMerging({
      kernelInit: b.spec({ trunc: 0.02 }, 1, 1),
      name: `swinViT.layers${i + 1}.0.downsample`,
    }).apply(x) as T;
    hidden.push(pn(x, `h${i + 1}`));
  });
  const enc0 = unetResBlock(b, input, fs, "encoder1.layer");
  const enc1 = unetResBlock(b, hidden[0], fs, "encoder2.layer");
  const enc2 = unetResBlock(b, hidden[1], 2 * fs, "encoder3.layer");
  const enc3 = unetResBlock(b, hidden[2], 4 * fs, "encoder4.layer");
  const dec4 = unetResBlock(b, hidden[4], 16 * fs, "encoder10.layer");
  const dec3 = unetrUpBlock(b, dec4, hidden[3], 8 * fs, "decoder5");
  const dec2 = unetrUpBlock(b, dec3, enc3, 4 * fs, "decoder4");
  const dec1 = unetrUpBlock(b, dec2, enc2, 2 * fs, "decoder3");
  const dec0 = unetrUpBlock(b, dec1, enc1, fs, "decoder2");
  const out = unetrUpBlock(b, dec0, enc0, fs, "decoder1");
  const logits = conv(
    b,
    out,
    { filters: o.classes, k: 1, bias: true, init: "torch" },
    "out.conv.conv",
  );
  return {
    inputs: input,
    logits,
    taps: [...hidden.map((t, i): [string, T] => [`h${i}`, t]), ["dec0", out]],
  };
}

/** Swin-UNETR. */
export const SWIN_UNETR: ModelSpec[] = [{
  name: "swin_unetr",
  family: "seg2d",
  description: "Swin-UNETR 2D (spec 03 §3.3, MONAI defaults, feature 48), logits at H",
  build: swinUnetr,
  paper: { inputShape: [512, 512, 1], classes: 9, params: 25_138_323 },
  demo: { inputShape: [64, 64, 1], classes: 9, width: 1 / 4, params: null },
}];
