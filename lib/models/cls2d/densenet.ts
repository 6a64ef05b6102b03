/**
 * DenseNet-121 (CheXNet, spec 04 §3.2) with torchvision module names (`features.conv0`,
 * `features.denseblock{i}.denselayer{j}.norm1/conv1/norm2/conv2`, `features.transition{i}.*`,
 * `features.norm5`, `classifier`), and the CXR8 demo teacher "DenseNet-mini" (spec 04 §8.1).
 * `logits` are pre-sigmoid: the original's in-model Sigmoid (double sigmoid, spec 04 §7 B5) is
 * applied by the training preset, not here. Taps: each dense block's output after its
 * transition input (`b1…b4`) and the pooled feature `pool`.
 *
 * @module
 */
import * as tf from "../../tf/tf.ts";
import type { Builder, T } from "../build.ts";
import { act, avgPool, bn, concat, conv, dense, maxPool, scaled } from "../build.ts";
import type { Graph, ModelOptions, ModelSpec } from "../types.ts";

type DenseCfg = {
  stem: "imagenet" | "mini";
  init: number;
  growth: number;
  blocks: number[];
  /** Bottleneck width (bn_size · growth); 0 = single 3×3 conv per layer (mini). */
  bottleneck: number;
};

function denseNet(cfg: DenseCfg) {
  return (b: Builder, o: ModelOptions & { width: number }): Graph => {
    const input = tf.input({ shape: o.inputShape, name: "image" });
    const g = scaled(cfg.growth, o.width);
    // torchvision: kaiming_normal_ (fan_in, ReLU gain) for convs.
    const kconv = (x: T, filters: number, k: number, name: string, s = 1, p = 0) =>
      conv(b, x, {
        filters,
        k,
        s,
        p,
        init: { normal: Math.sqrt(2 / ((x.shape[3] as number) * k * k)) },
      }, name);
    let x: T;
    if (cfg.stem === "imagenet") {
      x = kconv(input, scaled(cfg.init, o.width), 7, "features.conv0", 2, 3);
      x = act(bn(b, x, "features.norm0"), "relu", "features.relu0");
      x = maxPool(x, 3, 2, 1, "features.pool0");
    } else {
      x = kconv(input, scaled(cfg.init, o.width), 3, "features.conv0", 2, 1);
      x = act(bn(b, x, "features.norm0"), "relu", "features.relu0");
    }
    const taps: [string, T][] = [];
    cfg.blocks.forEach((n, i) => {
      const bname = `features.denseblock${i + 1}`;
      for (let j = 0; j < n; j++) {
        const l = `${bname}.denselayer${j + 1}`;
        let y = act(bn(b, x, `${l}.norm1`), "relu", `${l}.relu1`);
        if (cfg.bottleneck > 0) {
          y = kconv(y, scaled(cfg.bottleneck, o.width), 1, `${l}.conv1`);
          y = act(bn(b, y, `${l}.norm2`), "relu", `${l}.relu2`);
          y = kconv(y, g, 3, `${l}.conv2`, 1, 1);
        } else {
          y = kconv(y, g, 3, `${l}.conv1`, 1, 1);
        }
        x = concat([x, y], `${l}.cat`);
      }
      taps.push([`b${i + 1}`, x]);
      if (i < cfg.blocks.length - 1) {
        const t = `features.transition${i + 1}`;
        const c = Math.floor((x.shape[3] as number) / 2);
        x = kconv(act(bn(b, x, `${t}.norm`), "relu", `${t}.relu`), c, 1, `${t}.conv`);
        x = avgPool(x, 2, 2, `${t}.pool`);
      }
    });
    x = act(bn(b, x, `features.norm${cfg.blocks.length + 1}`), "relu", "features.relu_final");
    const pool = tf.layers.globalAveragePooling2d({ name: "pool" }).apply(x) as T;
    const logits = dense(b, pool, o.classes, "classifier", { biasInit: "zeros" });
    return { inputs: input, logits, taps: [...taps, ["pool", pool]] };
  };
}

/** DenseNet-121 and DenseNet-mini. */
export const DENSENETS: ModelSpec[] = [
  {
    name: "densenet121",
    family: "cls2d",
    description: "DenseNet-121 / CheXNet (spec 04 §3.2), 14-label head, pre-sigmoid logits",
    build: denseNet({
      stem: "imagenet",
      init: 64,
      growth: 32,
      blocks: [6, 12, 24, 16],
      bottleneck: 128,
    }),
    paper: { inputShape: [224, 224, 3], classes: 14, params: 6_968_206 },
    demo: { inputShape: [64, 64, 3], classes: 14, width: 1 / 4, params: null },
  },
  {
    name: "cxr_densenet_mini",
    family: "cls2d",
    description:
      "CXR8 demo teacher DenseNet-mini (spec 04 §8.1): 3×3/2 stem 16, blocks 2,3,3, growth 12",
    build: denseNet({ stem: "mini", init: 16, growth: 12, blocks: [2, 3, 3], bottleneck: 0 }),
    paper: { inputShape: [28, 28, 3], classes: 14, params: 32_662 },
    demo: { inputShape: [28, 28, 3], classes: 14, width: 1, params: 32_662 },
  },
];
