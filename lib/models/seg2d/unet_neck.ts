/**
 * MMSeg-style ResNet-encoder U-Nets of spec 03 §3.1–3.2 (Synapse): UNet-R18 (V1c-18 d8),
 * Att-UNet (multi grid-attention gates), UNet-R50 (V1b-50, InstanceNorm), Attn-UNet-R34 (V1b-34,
 * IN, single gates) and UNet-R18-d16 (7×7 stem stride 1, spec 03 §8 D7).
 *
 * Neck: blocks deep→shallow on skips e3, e2, e1 (running x starts at e4); a block with its
 * `downsample` flag bilinearly doubles x then applies a 1×1 ConvModule without bias, otherwise a
 * 1×1 ConvModule with bias; concat [skip (gated if attention), x]; `convs` × (3×3 conv with bias →
 * norm → act). Head `conv_seg` on d1; UNet-R18 / Att-UNet also have the auxiliary `conv_seg` on d3
 * (tap `aux_logits`). Taps: `s1…s4`, `s1_pre…s4_pre`, `d3`, `d2`, `d1` (+ `aux_logits`).
 *
 * @module
 */
import * as tf from "../../tf/tf.ts";
import type { Builder, T } from "../build.ts";
import { act, add, bn, ch, concat, conv } from "../build.ts";
import { InstanceNorm, ResizeToShape } from "../layers/mod.ts";
import { RESNET_LAYERS, resnetBackbone, type ResNetConfig } from "../cls2d/resnet.ts";
import { convSeg } from "./fcn.ts";
import type { Graph, ModelOptions, ModelSpec } from "../types.ts";

type NeckCfg = {
  depth: number;
  stem: ResNetConfig["stem"];
  dilated: boolean;
  /** Flags of blocks 1, 2, 3 (shallow → deep). */
  downsamples: [boolean, boolean, boolean];
  convs: number;
  norm: "bn" | "in";
  gates: "none" | "multi" | "single";
  aux: boolean;
};

const up2 = (x: T, name: string) =>
  new ResizeToShape({ size: [2 * (x.shape[1] as number), 2 * (x.shape[2] as number)], name }).apply(
    x,
  ) as T;
const resizeLike = (x: T, like: T, name: string) =>
  new ResizeToShape({ name }).apply([x, like]) as T;

function normAct(b: Builder, x: T, cfg: NeckCfg, name: string): T {
  if (cfg.norm === "in") {
    return act(
      new InstanceNorm({ affine: false, name: `${name}.norm` }).apply(x) as T,
      "leaky",
      `${name}.act`,
    );
  }
  return act(bn(b, x, `${name}.norm`), "relu", `${name}.act`);
}

function convModule(
  b: Builder,
  x: T,
  filters: number,
  k: number,
  bias: boolean,
  cfg: NeckCfg,
  name: string,
): T {
  const y = conv(
    b,
    x,
    { filters, k, p: (k - 1) / 2, bias, init: "kaiming_out", biasInit: "zeros" },
    `${name}.conv`,
  );
  return normAct(b, y, cfg, name);
}

/** Grid attention gate on skip x (C) with gating g (2C); returns BN(W(a·x)). */
function gate(b: Builder, x: T, g: T, name: string): T {
  const c = ch(x);
  const theta = conv(b, x, { filters: c, k: 2, s: 2, init: "kaiming_out" }, `${name}.theta`);
  const phi = resizeLike(
    conv(
      b,
      g,
      { filters: c, k: 1, bias: true, init: "kaiming_out", biasInit: "zeros" },
      `${name}.phi`,
    ),
    theta,
    `${name}.phi_up`,
  );
  const f = act(add([theta, phi], `${name}.sum`), "relu", `${name}.relu`);
  const psi = act(
    conv(
      b,
      f,
      { filters: 1, k: 1, bias: true, init: "kaiming_out", biasInit: "zeros" },
      `${name}.psi`,
    ),
    "sigmoid",
    `${name}.sigmoid`,
  );
  const a = resizeLike(psi, x, `${name}.up`);
  const ax = tf.layers.multiply({ name: `${name}.mul` }).apply([x, a]) as T; // a broadcasts over C
  return bn(
    b,
    conv(
      b,
      ax,
      { filters: c, k: 1, bias: true, init: "kaiming_out", biasInit: "zeros" },
      `${name}.W.0`,
    ),
    `${name}.W.1`,
  );
}

function gated(b: Builder, x: T, g: T, kind: NeckCfg["gates"], name: string): T {
  const c = ch(x);
  if (kind === "multi") {
    const cat = concat(
      [gate(b, x, g, `${name}.gate1`), gate(b, x, g, `${name}.gate2`)],
      `${name}.cat`,
    );
    const y = conv(
      b,
      cat,
      { filters: c, k: 1, bias: true, init: "kaiming_out", biasInit: "zeros" },
      `${name}.combine.0`,
    );
    return act(bn(b, y, `${name}.combine.1`), "relu", `${name}.combine.2`);
  }
  const y = conv(b, gate(b, x, g, `${name}.gate1`), {
    filters: c,
    k: 1,
    bias: true,
    init: "kaiming_out",
    biasInit: "zeros",
  }, `${name}.combine.0`);
  return act(bn(b, y, `${name}.combine.1`), "relu", `${name}.combine.2`);
}

function unetNeckModel(cfg: NeckCfg) {
  return (b: Builder, o: ModelOptions & { width: number }): Graph => {
    const input = tf.input({ shape: o.inputShape, name: "image" });
    const r = resnetBackbone(b, input, {
      ...RESNET_LAYERS[cfg.depth],
      stem: cfg.stem,
      width: o.width,
      ...(cfg.dilated
        ? { strides: [1, 2, 1, 1], dilations: [1, 1, 2, 4], zeroInitResidual: true }
        : {}),
      norm: cfg.norm,
    });
    const e = r.stages;
    let x = e[3];
    const d: T[] = [];
    for (let i = 2; i >= 0; i--) {
      const skip = e[i], c = ch(skip), name = `neck.blocks.${i}`;
      const g = x;
      x = cfg.downsamples[i]
        ? convModule(b, up2(x, `${name}.up`), c, 1, false, cfg, `${name}.upsample`)
        : convModule(b, x, c, 1, true, cfg, `${name}.upsample`);
      const s = cfg.gates === "none" ? skip : gated(b, skip, g, cfg.gates, `${name}.attention`);
      x = concat([s, x], `${name}.cat`);
      for (let k = 0; k < cfg.convs; k++) {
        x = convModule(b, x, c, 3, true, cfg, `${name}.convs.${k}`);
      }
      d.push(x);
    }
    const logits = convSeg(b, x, o.classes);
    const taps: [string, T][] = [
      ...e.map((t, i): [string, T] => [`s${i + 1}`, t]),
      ...r.preRelu.map((t, i): [string, T] => [`s${i + 1}_pre`, t]),
      ["d3", d[0]],
      ["d2", d[1]],
      ["d1", d[2]],
    ];
    if (cfg.aux) taps.push(["aux_logits", convSeg(b, d[0], o.classes, "auxiliary_head.conv_seg")]);
    return { inputs: input, logits, taps };
  };
}

const PAPER = { inputShape: [512, 512, 1], classes: 9 };
const DEMO = { inputShape: [96, 96, 1], classes: 9, width: 1 / 4, params: null };
const base: NeckCfg = {
  depth: 18,
  stem: "v1c",
  dilated: true,
  downsamples: [true, false, false],
  convs: 2,
  norm: "bn",
  gates: "none",
  aux: true,
};

/** Synapse U-Net family. */
export const UNET_NECKS: ModelSpec[] = [
  {
    name: "unet_r18",
    family: "seg2d",
    description:
      "UNet-R18 (`unet_r18v1c_d8`, spec 03 §3.2): V1c-18 d8 + U-Net neck, logits H/4, aux H/8",
    build: unetNeckModel(base),
    paper: { ...PAPER, params: 13_694_185 + 2_313 },
    demo: DEMO,
  },
  {
    name: "att_unet_r18",
    family: "seg2d",
    description: "Att-UNet (`attn_ma_unet_r18v1c`, spec 03 §3.2): UNet-R18 + multi attention gates",
    build: unetNeckModel({ ...base, gates: "multi" }),
    paper: { ...PAPER, params: 15_076_271 + 2_313 },
    demo: DEMO,
  },
  {
    name: "unet_r50",
    family: "seg2d",
    description:
      "UNet-R50 (`unet_r50_s4_d8`, spec 03 §3.2): V1b-50 IN, neck b 256, 1 conv, IN + LeakyReLU",
    build: unetNeckModel({
      ...base,
      depth: 50,
      stem: "v1b",
      dilated: false,
      downsamples: [true, true, true],
      convs: 1,
      norm: "in",
      aux: false,
    }),
    paper: { ...PAPER, params: 50_977_865 },
    demo: DEMO,
  },
  {
    name: "attn_unet_r34",
    family: "seg2d",
    description: "Attn-UNet-R34 teacher (spec 03 §3.2): V1b-34 IN, single gates (BN in gates)",
    build: unetNeckModel({
      ...base,
      depth: 34,
      stem: "v1b",
      dilated: false,
      downsamples: [true, true, true],
      convs: 1,
      norm: "in",
      gates: "single",
      aux: false,
    }),
    paper: { ...PAPER, params: 23_674_444 },
    demo: DEMO,
  },
  {
    name: "unet_r18_d16",
    family: "seg2d",
    description:
      "UNet-R18-d16 DIST student (spec 03 §3.2, §8 D7): V1b-18, stem stride 1, logits H/2",
    build: unetNeckModel({
      ...base,
      stem: "v1b_s1",
      dilated: false,
      downsamples: [true, true, true],
      aux: false,
    }),
    paper: { ...PAPER, params: 13_668_873 },
    demo: DEMO,
  },
];
