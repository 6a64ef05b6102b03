/**
 * Swin-style layers on NHWC maps: window attention with optional cyclic shift and a learned
 * relative-position bias, patch embedding (conv k = s = p, optional LayerNorm) and patch merging
 * (2×2 neighbours → LN(4C) → Linear 4C→2C without bias).
 *
 * @module
 */
import * as tf from "../../tf/tf.ts";
import { attend, denseLast } from "./attention.ts";
import {
  channels,
  InitSpec,
  LayerArgs,
  LayerConfigError,
  makeInit,
  single,
  singleShape,
} from "./common.ts";

/** Window and shift actually used for a map side (a side ≤ window becomes one unshifted window). */
export function effectiveWindow(side: number, window: number, shift: number): [number, number] {
  return side <= window ? [side, 0] : [window, shift];
}

/** Relative-position index (into a table for window `tw`) of every pair of an `wh`×`ww` window. */
export function relativeIndex(wh: number, ww: number, tw: number): Int32Array {
  const n = wh * ww;
  const out = new Int32Array(n * n);
  for (let p = 0; p < n; p++) {
    for (let q = 0; q < n; q++) {
      const dy = Math.floor(p / ww) - Math.floor(q / ww) + tw - 1;
      const dx = (p % ww) - (q % ww) + tw - 1;
      out[p * n + q] = dy * (2 * tw - 1) + dx;
    }
  }
  return out;
}

/** Swin's shifted-window mask [nW, n, n]: 0 within a region, −100 across regions. */
export function shiftMask(
  hp: number,
  wp: number,
  wh: number,
  ww: number,
  sh: number,
  sw: number,
): Float32Array {
  const region = (
    i: number,
    size: number,
    w: number,
    s: number,
  ) => (i < size - w ? 0 : i < size - s ? 1 : 2);
  const nWy = hp / wh, nWx = wp / ww, n = wh * ww;
  const out = new Float32Array(nWy * nWx * n * n);
  for (let wy = 0; wy < nWy; wy++) {
    for (let wx = 0; wx < nWx; wx++) {
      const lab = new Int32Array(n);
      for (let p = 0; p < n; p++) {
        const y = wy * wh + Math.floor(p / ww), x = wx * ww + (p % ww);
        lab[p] = region(y, hp, wh, sh) * 3 + region(x, wp, ww, sw);
      }
      const base = (wy * nWx + wx) * n * n;
      for (let p = 0; p < n; p++) {
        for (let q = 0; q < n; q++) out[base + p * n + q] = lab[p] === lab[q] ? 0 : -100;
      }
    }
  }
  return out;
}

function roll2(x: tf.Tensor, sy: number, sx: number): tf.Tensor {
  // Cyclic shift so that out[i] = x[(i + s) mod size] along axes 1 and 2 (torch.roll by −s).
  let y = x;
  const [, h, w] = x.shape;
  const ry = ((sy % h) + h) % h, rx = ((sx % w) + w) % w;
  if (ry) y = tf.concat([tf.slice(y, [0, ry], [-1, h - ry]), tf.slice(y, [0, 0], [-1, ry])], 1);
  if (rx) {
    y = tf.concat(
      [tf.slice(y, [0, 0, rx], [-1, -1, w - rx]), tf.slice(y, [0, 0, 0], [-1, -1, rx])],
      2,
    );
  }
  return y;
}

type WindowArgs = LayerArgs & {
  heads: number;
  window: number;
  shift?: number;
  qkvBias?: boolean;
  kernelInit?: InitSpec;
  tableInit?: InitSpec;
};

/**
 * Window multi-head self-attention on [N, H, W, C] (Swin / AutoFormerV2 / Swin-UNETR): pad to a
 * multiple of the window, roll by −shift, attend within windows with the relative-position bias
 * (table [(2w−1)², heads]) and the −100 cross-region mask, project, roll back, crop. A side not
 * larger than the window is one window with no shift (Swin's and MONAI's rule).
 *
 * @example
 * ```ts
 * import * as tf from "../../tf/tf.ts";
 * import { WindowAttention } from "./window.ts";
 * const l = new WindowAttention({ heads: 2, window: 2, shift: 1 });
 * const y = l.apply(tf.ones([1, 4, 4, 4])) as tf.Tensor;
 * if (y.shape.join() !== "1,4,4,4" || l.countParams() !== 98) throw new Error("bad window attn");
 * ```
 */
export class WindowAttention extends tf.layers.Layer {
  static className = "MedkdWindowAttention";
  readonly heads: number;
  readonly window: number;
  readonly shift: number;
  readonly qkvBias: boolean;
  readonly kernelInit: InitSpec;
  readonly tableInit: InitSpec;
  private w: Record<string, tf.LayerVariable> = {};

  constructor(args: WindowArgs) {
    super(args);
    this.heads = args.heads;
    this.window = args.window;
    this.shift = args.shift ?? 0;
    this.qkvBias = args.qkvBias ?? true;
    this.kernelInit = args.kernelInit ?? { kind: "truncnormal", std: 0.02, seed: 0 };
    this.tableInit = args.tableInit ?? { kind: "truncnormal", std: 0.02, seed: 1 };
  }

  override build(s: tf.Shape | tf.Shape[]): void {
    const c = channels(singleShape(s), "WindowAttention");
    if (c % this.heads !== 0) throw new LayerConfigError(`WindowAttention: ${c} % ${this.heads}`);
    const ki = makeInit(this.kernelInit), z = tf.initializers.zeros();
    const t = 2 * this.window - 1;
    this.w.table = this.addWeight(
      "rel_table",
      [t * t, this.heads],
      "float32",
      makeInit(this.tableInit),
    );
    this.w.qkv = this.addWeight("qkv_kernel", [c, 3 * c], "float32", ki);
    if (this.qkvBias) this.w.qkvB = this.addWeight("qkv_bias", [3 * c], "float32", z);
    this.w.proj = this.addWeight("proj_kernel", [c, c], "float32", ki);
    this.w.projB = this.addWeight("proj_bias", [c], "float32", z);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const [b, h, w, c] = x.shape;
      const [wh, sh] = effectiveWindow(h, this.window, this.shift);
      const [ww, sw] = effectiveWindow(w, this.window, this.shift);
      const hp = Math.ceil(h / wh) * wh, wp = Math.ceil(w / ww) * ww;
      let y = hp > h || wp > w ? tf.pad(x, [[0, 0], [0, hp - h], [0, wp - w], [0, 0]]) : x;
      if (sh || sw) y = roll2(y, sh, sw);
      const nWy = hp / wh, nWx = wp / ww, n = wh * ww, nW = nWy * nWx;
      const win = tf.reshape(
        tf.transpose(tf.reshape(y, [b, nWy, wh, nWx, ww, c]), [0, 1, 3, 2, 4, 5]),
        [b * nW, n, c],
      );
      const [q, k, v] = tf.split(denseLast(win, this.w.qkv.read(), this.w.qkvB?.read()), 3, 2);
      const idx = tf.tensor1d(relativeIndex(wh, ww, this.window), "int32");
      let bias: tf.Tensor = tf.transpose(
        tf.reshape(tf.gather(this.w.table.read(), idx), [n, n, this.heads]),
        [2, 0, 1],
      );
      if (sh || sw) {
        const mask = tf.tensor(shiftMask(hp, wp, wh, ww, sh, sw), [1, nW, 1, n, n]);
        bias = tf.reshape(tf.add(tf.reshape(bias, [1, 1, this.heads, n, n]), mask), [
          nW,
          this.heads,
          n,
          n,
        ]);
        bias = tf.tile(bias, [b, 1, 1, 1]);
      }
      const o = denseLast(
        attend(q, k, v, this.heads, bias),
        this.w.proj.read(),
        this.w.projB.read(),
      );
      y = tf.reshape(tf.transpose(tf.reshape(o, [b, nWy, nWx, wh, ww, c]), [0, 1, 3, 2, 4, 5]), [
        b,
        hp,
        wp,
        c,
      ]);
      if (sh || sw) y = roll2(y, -sh, -sw);
      return hp > h || wp > w ? tf.slice(y, [0, 0, 0, 0], [b, h, w, c]) : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      heads: this.heads,
      window: this.window,
      shift: this.shift,
      qkvBias: this.qkvBias,
      kernelInit: this.kernelInit,
      tableInit: this.tableInit,
    };
  }
}

/**
 * Patch merging: [N, H, W, C] → [N, H/2, W/2, 2C]; neighbours concatenated in Swin's order
 * (0,0), (1,0), (0,1), (1,1) as (row, col) offsets, LayerNorm(4C, eps 1e-5), Linear without bias.
 *
 * @example
 * ```ts
 * import * as tf from "../../tf/tf.ts";
 * import { PatchMerging } from "./window.ts";
 * const l = new PatchMerging({});
 * const y = l.apply(tf.ones([1, 4, 4, 3])) as tf.Tensor;
 * if (y.shape.join() !== "1,2,2,6" || l.countParams() !== 96) throw new Error("bad merge");
 * ```
 */
export class PatchMerging extends tf.layers.Layer {
  static className = "MedkdPatchMerging";
  readonly kernelInit: InitSpec;
  private w: Record<string, tf.LayerVariable> = {};

  constructor(args: LayerArgs & { kernelInit?: InitSpec }) {
    super(args);
    this.kernelInit = args.kernelInit ?? { kind: "truncnormal", std: 0.02, seed: 0 };
  }

  override build(s: tf.Shape | tf.Shape[]): void {
    const c = channels(singleShape(s), "PatchMerging");
    this.w.gamma = this.addWeight("norm_gamma", [4 * c], "float32", tf.initializers.ones());
    this.w.beta = this.addWeight("norm_beta", [4 * c], "float32", tf.initializers.zeros());
    this.w.kernel = this.addWeight(
      "reduction_kernel",
      [4 * c, 2 * c],
      "float32",
      makeInit(this.kernelInit),
    );
    this.built = true;
  }

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    const [n, h, w, c] = singleShape(s);
    return [n, h == null ? null : h / 2, w == null ? null : w / 2, 2 * (c as number)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const [b, h, w, c] = x.shape;
      if (h % 2 || w % 2) throw new LayerConfigError(`PatchMerging: odd map ${h}×${w}`);
      const g = tf.transpose(tf.reshape(x, [b, h / 2, 2, w / 2, 2, c]), [0, 1, 3, 4, 2, 5]);
      const cat = tf.reshape(g, [b, h / 2, w / 2, 4 * c]);
      const { mean, variance } = tf.moments(cat, -1, true);
      const nrm = tf.add(
        tf.mul(tf.div(tf.sub(cat, mean), tf.sqrt(tf.add(variance, 1e-5))), this.w.gamma.read()),
        this.w.beta.read(),
      );
      return denseLast(nrm, this.w.kernel.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), kernelInit: this.kernelInit };
  }
}

tf.serialization.registerClass(WindowAttention);
tf.serialization.registerClass(PatchMerging);
