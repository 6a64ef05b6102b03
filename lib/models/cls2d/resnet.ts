/**
 * ResNet backbones in the three flavours the studies use, with torchvision module names
 * (`conv1`, `bn1`, `layer{i}.{j}.conv{k}`, `layer{i}.{j}.downsample.{0,1}`, `fc`) so PyTorch
 * checkpoints map by name:
 * - `v1b`: 7×7/2 stem + 3×3/2 max-pool (torchvision; stride on the 3×3 conv, "v1.5");
 * - `v1c`: MMSeg deep stem (3×3/2 in→w/2, 3×3 w/2→w/2, 3×3 w/2→w), named `stem.{0,1,3,4,6,7}`;
 * - `v1b_s1`: 7×7 stem with stride 1 (Synapse UNet-R18-d16, spec 03 §8 D7).
 * Dilated stages follow MMSeg's "contract dilation" (first block of a dilated stage uses half).
 * Each stage records its output (after the last ReLU) and the pre-ReLU residual sum.
 *
 * @module
 */
import type { Builder, Init, T } from "../build.ts";
import { act, add, bn, conv, maxPool, scaled } from "../build.ts";
import { InstanceNorm } from "../layers/mod.ts";

/** ResNet configuration. */
export type ResNetConfig = {
  block: "basic" | "bottleneck";
  layers: number[];
  stem: "v1b" | "v1c" | "v1b_s1";
  width: number;
  strides?: number[];
  dilations?: number[];
  /** Zero γ on the last norm of each residual block (MMSeg V1c, spec 03 §3.1). */
  zeroInitResidual?: boolean;
  /** Norm: BatchNorm, or InstanceNorm without affine (Synapse UNet-R50). */
  norm?: "bn" | "in";
  init?: Init;
};

/** What {@link resnetBackbone} returns. */
export type ResNetFeatures = { stem: T; stages: T[]; preRelu: T[]; channels: number[] };

/** Depth presets. */
export const RESNET_LAYERS: Record<number, { block: "basic" | "bottleneck"; layers: number[] }> = {
  18: { block: "basic", layers: [2, 2, 2, 2] },
  34: { block: "basic", layers: [3, 4, 6, 3] },
  50: { block: "bottleneck", layers: [3, 4, 6, 3] },
  101: { block: "bottleneck", layers: [3, 4, 23, 3] },
};

function norm(b: Builder, x: T, name: string, cfg: ResNetConfig, gammaZero = false): T {
  if (cfg.norm === "in") return new InstanceNorm({ affine: false, name }).apply(x) as T;
  return bn(b, x, name, { gammaZero });
}

function block(
  b: Builder,
  x: T,
  cfg: ResNetConfig,
  planes: number,
  s: number,
  d: number,
  name: string,
): [T, T] {
  const init = cfg.init ?? "kaiming_out";
  const z = cfg.zeroInitResidual ?? false;
  const expansion = cfg.block === "basic" ? 1 : 4;
  const cin = x.shape[3] as number;
  let y: T;
  if (cfg.block === "basic") {
    y = conv(b, x, { filters: planes, k: 3, s, p: d, d, init }, `${name}.conv1`);
    y = act(norm(b, y, `${name}.bn1`, cfg), "relu", `${name}.relu1`);
    y = conv(b, y, { filters: planes, k: 3, p: 1, init }, `${name}.conv2`);
    y = norm(b, y, `${name}.bn2`, cfg, z);
  } else {
    y = conv(b, x, { filters: planes, k: 1, init }, `${name}.conv1`);
    y = act(norm(b, y, `${name}.bn1`, cfg), "relu", `${name}.relu1`);
    y = conv(b, y, { filters: planes, k: 3, s, p: d, d, init }, `${name}.conv2`);
    y = act(norm(b, y, `${name}.bn2`, cfg), "relu", `${name}.relu2`);
    y = conv(b, y, { filters: planes * 4, k: 1, init }, `${name}.conv3`);
    y = norm(b, y, `${name}.bn3`, cfg, z);
  }
  let short = x;
  if (s !== 1 || cin !== planes * expansion) {
    short = conv(b, x, { filters: planes * expansion, k: 1, s, init }, `${name}.downsample.0`);
    short = norm(b, short, `${name}.downsample.1`, cfg);
  }
  const sum = add([y, short], `${name}.add`);
  return [act(sum, "relu", `${name}.relu`), sum];
}

/** Build the backbone on `x` (NHWC); returns stem output and the four stage outputs. */
export function resnetBackbone(b: Builder, x: T, cfg: ResNetConfig): ResNetFeatures {
  const init = cfg.init ?? "kaiming_out";
  const w = (c: number) => scaled(c, cfg.width);
  let y: T;
  if (cfg.stem === "v1c") {
    y = conv(b, x, { filters: w(32), k: 3, s: 2, p: 1, init }, "stem.0");
    y = act(norm(b, y, "stem.1", cfg), "relu", "stem.2");
    y = conv(b, y, { filters: w(32), k: 3, p: 1, init }, "stem.3");
    y = act(norm(b, y, "stem.4", cfg), "relu", "stem.5");
    y = conv(b, y, { filters: w(64), k: 3, p: 1, init }, "stem.6");
    y = act(norm(b, y, "stem.7", cfg), "relu", "stem.8");
  } else {
    y = conv(b, x, { filters: w(64), k: 7, s: cfg.stem === "v1b_s1" ? 1 : 2, p: 3, init }, "conv1");
    y = act(norm(b, y, "bn1", cfg), "relu", "relu");
  }
  const stem = y;
  y = maxPool(y, 3, 2, 1, "maxpool");
  const strides = cfg.strides ?? [1, 2, 2, 2];
  const dil = cfg.dilations ?? [1, 1, 1, 1];
  const stages: T[] = [], preRelu: T[] = [], channels: number[] = [];
  cfg.layers.forEach((n, i) => {
    const planes = w(64 * 2 ** i);
    for (let j = 0; j < n; j++) {
      const d = j === 0 && dil[i] > 1 ? dil[i] / 2 : dil[i];
      const [out, sum] = block(
        b,
        y,
        cfg,
        planes,
        j === 0 ? strides[i] : 1,
        d,
        `layer${i + 1}.${j}`,
      );
      y = out;
      if (j === n - 1) {
        stages.push(out);
        preRelu.push(sum);
      }
    }
    channels.push(planes * (cfg.block === "basic" ? 1 : 4));
  });
  return { stem, stages, preRelu, channels };
}
