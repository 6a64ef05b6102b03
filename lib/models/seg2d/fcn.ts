/**
 * MMSeg FCNs of spec 03 (Synapse): ResNetV1c-18/50/101 with output stride 8 (strides 1,2,1,1,
 * dilations 1,1,2,4, contract dilation, γ = 0 on each block's last BN) and
 * `FCNHead(in, in/4, 2 convs, concat)`: 3×3 ConvModules, a 3×3 ConvModule on
 * concat[input, convs], Dropout2d(0.1), `conv_seg` 1×1 (N(0, 0.01), bias 0). Logits are the
 * head's output at H/8 (the loss and inference resize them); taps `s1…s4` (stage outputs after
 * ReLU, for AT/KD) and `s1_pre…s4_pre` (pre-ReLU sums, for ReviewKD).
 *
 * @module
 */
import * as tf from "../../tf/tf.ts";
import type { Builder, T } from "../build.ts";
import { act, bn, concat, conv } from "../build.ts";
import { RESNET_LAYERS, resnetBackbone } from "../cls2d/resnet.ts";
import type { Graph, ModelOptions, ModelSpec } from "../types.ts";

type O = ModelOptions & { width: number };

/** MMSeg ConvModule: conv (no bias) → BN → ReLU, Kaiming fan-out init. */
export function convModule(b: Builder, x: T, filters: number, k: number, name: string): T {
  const y = conv(b, x, { filters, k, p: (k - 1) / 2, init: "kaiming_out" }, `${name}.conv`);
  return act(bn(b, y, `${name}.bn`), "relu", `${name}.activate`);
}

/** Dropout2d (whole channels), seeded. */
export function dropout2d(b: Builder, x: T, rate: number, name: string): T {
  return tf.layers.dropout({
    rate,
    noiseShape: [null, 1, 1, null] as unknown as number[],
    seed: b.rng.seed(),
    name,
  })
    .apply(x) as T;
}

/** `conv_seg`: 1×1 conv with bias, weight N(0, 0.01), bias 0. */
export function convSeg(b: Builder, x: T, classes: number, name = "decode_head.conv_seg"): T {
  return conv(b, x, {
    filters: classes,
    k: 1,
    bias: true,
    init: { normal: 0.01 },
    biasInit: "zeros",
  }, name);
}

function fcnHead(b: Builder, x: T, chn: number, classes: number): T {
  let y = convModule(b, x, chn, 3, "decode_head.convs.0");
  y = convModule(b, y, chn, 3, "decode_head.convs.1");
  y = convModule(b, concat([x, y], "decode_head.cat"), chn, 3, "decode_head.conv_cat");
  return convSeg(b, dropout2d(b, y, 0.1, "decode_head.dropout"), classes);
}

function fcn(depth: number) {
  return (b: Builder, o: O): Graph => {
    const input = tf.input({ shape: o.inputShape, name: "image" });
    const r = resnetBackbone(b, input, {
      ...RESNET_LAYERS[depth],
      stem: "v1c",
      width: o.width,
      strides: [1, 2, 1, 1],
      dilations: [1, 1, 2, 4],
      zeroInitResidual: true,
    });
    const c4 = r.channels[3];
    const logits = fcnHead(b, r.stages[3], Math.round(c4 / 4), o.classes);
    const taps: [string, T][] = [
      ...r.stages.map((t, i): [string, T] => [`s${i + 1}`, t]),
      ...r.preRelu.map((t, i): [string, T] => [`s${i + 1}_pre`, t]),
    ];
    return { inputs: input, logits, taps };
  };
}

const PAPER = { inputShape: [512, 512, 1], classes: 9 };
const DEMO = { inputShape: [96, 96, 1], classes: 9, width: 1 / 4 };

/** FCN-R18 / R50 / R101 (spec 03 §3.2). */
export const FCN_MODELS: ModelSpec[] = [
  {
    name: "fcn_r18",
    family: "seg2d",
    description: "FCN on ResNetV1c-18 d8 (spec 03 §3.2; Synapse student), logits at H/8",
    build: fcn(18),
    paper: { ...PAPER, params: 12_671_657 },
    demo: { ...DEMO, params: 794_225 },
  },
  {
    name: "fcn_r50",
    family: "seg2d",
    description: "FCN on ResNetV1c-50 d8 (spec 03 §3.2; Synapse demo teacher), logits at H/8",
    build: fcn(50),
    paper: { ...PAPER, params: 47_127_337 },
    demo: { ...DEMO, params: 2_956_945 },
  },
  {
    name: "fcn_r101",
    family: "seg2d",
    description: "FCN on ResNetV1c-101 d8 (spec 03 §3.2; teacher), logits at H/8",
    build: fcn(101),
    paper: { ...PAPER, params: 66_119_465 },
    demo: { ...DEMO, params: null },
  },
];
