/**
 * The KiTS / LiTS models of spec 02 §4 (HLFD): the U-Net teacher (`unet_r50` in the original,
 * a plain U-Net), U-Net++ (`NestedUNet`, no deep supervision) and the decoder-free ResNet-18
 * student. All take [H, W, 1] and expose the original's 10-tuple as taps `e1…e5, d5…d2`.
 *
 * @module
 */
import * as tf from "../../tf/tf.ts";
import type { Builder, T } from "../build.ts";
import { act, bn, ch, concat, conv, maxPool, scaled } from "../build.ts";
import { ResizeToShape } from "../layers/mod.ts";
import { resnetBackbone } from "../cls2d/resnet.ts";
import type { Graph, ModelOptions, ModelSpec } from "../types.ts";

type O = ModelOptions & { width: number };

function convBnRelu(b: Builder, x: T, filters: number, name: string, k = 3): T {
  const y = conv(b, x, { filters, k, p: (k - 1) / 2, bias: true, init: "torch" }, `${name}.conv`);
  return act(bn(b, y, `${name}.bn`), "relu", `${name}.relu`);
}

function doubleConv(b: Builder, x: T, filters: number, name: string): T {
  return convBnRelu(b, convBnRelu(b, x, filters, `${name}.0`), filters, `${name}.1`);
}

function up(x: T, name: string, alignCorners: boolean, method: "nearest" | "bilinear"): T {
  const [h, w] = [x.shape[1] as number, x.shape[2] as number];
  return new ResizeToShape({ size: [2 * h, 2 * w], method, alignCorners, name }).apply(x) as T;
}

function buildUNet(b: Builder, o: O): Graph {
  const f = [64, 128, 256, 512, 1024].map((c) => scaled(c, o.width));
  const input = tf.input({ shape: o.inputShape, name: "image" });
  const e: T[] = [];
  let x: T = input;
  for (let i = 0; i < 5; i++) {
    if (i > 0) x = maxPool(x, 2, 2, 0, `Maxpool${i}`);
    x = doubleConv(b, x, f[i], `Conv${i + 1}`);
    e.push(x);
  }
  const d: T[] = [];
  for (let i = 4; i >= 1; i--) {
    const u = convBnRelu(b, up(x, `Up${i + 1}.up`, false, "nearest"), f[i - 1], `Up${i + 1}`);
    x = doubleConv(b, concat([e[i - 1], u], `Up${i + 1}.cat`), f[i - 1], `Up_conv${i + 1}`);
    d.push(x);
  }
  const logits = conv(b, x, { filters: o.classes, k: 1, bias: true, init: "torch" }, "Conv_1x1");
  const names = ["e1", "e2", "e3", "e4", "e5", "d5", "d4", "d3", "d2"];
  return { inputs: input, logits, taps: names.map((n, i) => [n, [...e, ...d][i]]) };
}

function buildUNetPP(b: Builder, o: O): Graph {
  const f = [64, 128, 256, 512, 1024].map((c) => scaled(c, o.width));
  const input = tf.input({ shape: o.inputShape, name: "image" });
  const X: T[][] = Array.from({ length: 5 }, () => []);
  for (let i = 0; i < 5; i++) {
    const src = i === 0 ? input : maxPool(X[i - 1][0], 2, 2, 0, `pool${i}`);
    X[i][0] = doubleConv(b, src, f[i], `conv${i}_0`);
  }
  for (let j = 1; j < 5; j++) {
    for (let i = 0; i + j < 5; i++) {
      const parts = [
        ...X[i].slice(0, j),
        up(X[i + 1][j - 1], `up${i + 1}_${j - 1}`, true, "bilinear"),
      ];
      X[i][j] = doubleConv(b, concat(parts, `cat${i}_${j}`), f[i], `conv${i}_${j}`);
    }
  }
  const logits = conv(b, X[0][4], { filters: o.classes, k: 1, bias: true, init: "torch" }, "final");
  const map: [string, T][] = [
    ["e1", X[1][0]],
    ["e2", X[2][0]],
    ["e3", X[1][1]],
    ["e4", X[3][0]],
    ["e5", X[4][0]],
    ["d5", X[0][1]],
    ["d4", X[0][2]],
    ["d3", X[0][3]],
    ["d2", X[1][3]],
  ];
  return { inputs: input, logits, taps: map };
}

function buildHlfdResNet18(b: Builder, o: O): Graph {
  const input = tf.input({ shape: o.inputShape, name: "image" });
  const rgb = ch(input) === 3 ? input : concat([input, input, input], "to_rgb");
  const r = resnetBackbone(b, rgb, {
    block: "basic",
    layers: [2, 2, 2, 2],
    stem: "v1b",
    width: o.width,
  });
  const [e2, e3, e4, e5] = r.stages;
  const [h, w] = o.inputShape;
  const full = (x: T, name: string) =>
    new ResizeToShape({ size: [h, w], alignCorners: true, name }).apply(x) as T;
  const head = conv(b, e5, { filters: o.classes, k: 1, bias: true, init: "torch" }, "head");
  const taps: [string, T][] = [
    ["e1", r.stem],
    ["e2", e2],
    ["e3", e3],
    ["e4", e4],
    ["e5", e5],
    ["d5", full(e4, "d5")],
    ["d4", full(e3, "d4")],
    ["d3", full(e2, "d3")],
    ["d2", full(r.stem, "d2")],
  ];
  return { inputs: input, logits: full(head, "out"), taps };
}

const KITS_PAPER = { inputShape: [384, 384, 1], classes: 2 };

/** KiTS (spec 02) architectures. */
export const KITS_MODELS: ModelSpec[] = [
  {
    name: "kits_unet",
    family: "seg2d",
    description: "plain U-Net teacher (spec 02 §4.1, `unet_r50` / `U_Net`), taps e1–e5, d5–d2",
    build: buildUNet,
    paper: { ...KITS_PAPER, params: 34_525_954 },
    demo: { inputShape: [96, 96, 1], classes: 2, width: 1 / 8, params: 541_794 },
  },
  {
    name: "kits_unetpp",
    family: "seg2d",
    description: "U-Net++ teacher (spec 02 §4.2, `NestedUNet`, bilinear align-corners up)",
    build: buildUNetPP,
    paper: { ...KITS_PAPER, params: 36_628_546 },
    demo: { inputShape: [96, 96, 1], classes: 2, width: 1 / 8, params: null },
  },
  {
    name: "kits_resnet18",
    family: "seg2d",
    description: "decoder-free ResNet-18 student (spec 02 §4.4), input tiled to 3 channels",
    build: buildHlfdResNet18,
    paper: { ...KITS_PAPER, params: 11_177_538 },
    demo: { inputShape: [96, 96, 1], classes: 2, width: 1 / 8, params: 176_842 },
  },
];
