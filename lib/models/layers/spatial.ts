/**
 * Spatial layers TF.js lacks: constant padding and cropping of any spatial rank (3D included;
 * `value: -Infinity` gives PyTorch's max-pool padding), nearest 3D upsampling, and resizing to a
 * fixed shape or to the shape of a second input (bilinear/trilinear or nearest, either
 * align-corners convention).
 *
 * @module
 */
import * as tf from "../../tf/tf.ts";
import { LayerArgs, LayerConfigError, single, singleShape } from "./common.ts";

/**
 * Pad the spatial axes (all but batch and channels) with a constant: `pads[i] = [before, after]`.
 *
 * @example
 * ```ts
 * import * as tf from "../../tf/tf.ts";
 * import { Pad } from "./spatial.ts";
 * const y = new Pad({ pads: [[1, 0], [0, 0], [0, 1]] }).apply(tf.ones([1, 2, 2, 2, 1])) as tf.Tensor;
 * if (y.shape.join() !== "1,3,2,3,1") throw new Error(String(y.shape));
 * ```
 */
export class Pad extends tf.layers.Layer {
  static className = "MedkdPad";
  readonly pads: [number, number][];
  readonly value: number;

  constructor(args: LayerArgs & { pads: [number, number][]; value?: number }) {
    super(args);
    this.pads = args.pads.map(([a, b]) => [a, b]);
    this.value = args.value ?? 0;
  }

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = singleShape(s);
    if (shape.length !== this.pads.length + 2) {
      throw new LayerConfigError(`Pad: ${this.pads.length} spatial pads for shape [${shape}]`);
    }
    return shape.map((d, i) =>
      i === 0 || i === shape.length - 1 || d == null
        ? d
        : d + this.pads[i - 1][0] + this.pads[i - 1][1]
    );
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.pad(single(inputs), [[0, 0], ...this.pads, [0, 0]], this.value));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), pads: this.pads, value: this.value };
  }
}

/**
 * Crop the spatial axes: `crops[i] = [before, after]` elements removed.
 *
 * @example
 * ```ts
 * import * as tf from "../../tf/tf.ts";
 * import { Crop } from "./spatial.ts";
 * const y = new Crop({ crops: [[1, 0], [0, 1], [0, 0]] }).apply(tf.ones([1, 3, 3, 2, 1])) as tf.Tensor;
 * if (y.shape.join() !== "1,2,2,2,1") throw new Error(String(y.shape));
 * ```
 */
export class Crop extends tf.layers.Layer {
  static className = "MedkdCrop";
  readonly crops: [number, number][];

  constructor(args: LayerArgs & { crops: [number, number][] }) {
    super(args);
    this.crops = args.crops.map(([a, b]) => [a, b]);
  }

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = singleShape(s);
    return shape.map((d, i) =>
      i === 0 || i === shape.length - 1 || d == null
        ? d
        : d - this.crops[i - 1][0] - this.crops[i - 1][1]
    );
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const begin = [0, ...this.crops.map((c) => c[0]), 0];
      const size = x.shape.map((d, i) =>
        i === 0 || i === x.rank - 1 ? -1 : d - this.crops[i - 1][0] - this.crops[i - 1][1]
      );
      return tf.slice(x, begin, size);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), crops: this.crops };
  }
}

const NEAREST: ResizeMode = { method: "nearest", alignCorners: false };

/**
 * Nearest-neighbour upsampling of NDHWC tensors by integer factors `size = [fd, fh, fw]`.
 *
 * @example
 * ```ts
 * import * as tf from "../../tf/tf.ts";
 * import { UpSampling3D } from "./spatial.ts";
 * const y = new UpSampling3D({ size: [1, 2, 2] }).apply(tf.ones([1, 2, 2, 2, 3])) as tf.Tensor;
 * if (y.shape.join() !== "1,2,4,4,3") throw new Error(String(y.shape));
 * ```
 */
export class UpSampling3D extends tf.layers.Layer {
  static className = "MedkdUpSampling3D";
  readonly size: number[];

  constructor(args: LayerArgs & { size?: number[] }) {
    super(args);
    this.size = args.size ?? [2, 2, 2];
  }

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = singleShape(s);
    return shape.map((d, i) => (i === 0 || i === 4 || d == null ? d : d * this.size[i - 1]));
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      let x = single(inputs);
      for (let a = 0; a < 3; a++) {
        const axisFn = axisInterp();
        x = axisFn(x, a + 1, x.shape[a + 1] * this.size[a], NEAREST);
      }
      return x;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), size: this.size };
  }
}

/** How {@link ResizeToShape} interpolates. */
export type ResizeMode = {
  method: "bilinear" | "nearest";
  /** PyTorch `align_corners=True`. */
  alignCorners: boolean;
};

/**
 * Linear (or nearest) interpolation along one axis with PyTorch's source-index rules. Built from
 * `gather`, so it is differentiable for every shape (TF.js 4.22's ResizeBilinearGrad returns a
 * wrongly shaped gradient for non-square images, so `tf.image.resizeBilinear` is avoided).
 */
export function interpAxis(x: tf.Tensor, axis: number, out: number, m: ResizeMode): tf.Tensor {
  const inn = x.shape[axis];
  if (inn === out) return x;
  const { lo, hi, t } = linearTaps(inn, out, m);
  const a = tf.gather(x, tf.tensor1d(lo, "int32"), axis);
  if (m.method === "nearest") return a;
  const b = tf.gather(x, tf.tensor1d(hi, "int32"), axis);
  const wShape = x.shape.map((_, i) => (i === axis ? out : 1));
  return tf.add(a, tf.mul(tf.sub(b, a), tf.tensor(t, wShape)));
}

/**
 * {@link interpAxis} as one JS loop forward and one backward (a custom gradient), for the CPU
 * backend: the tensor is viewed as [outer, in, inner] along `axis`; output row j mixes input rows
 * `lo[j]` and `hi[j]` with weights 1 − t[j] and t[j]. Used for 2D and 3D resizes, where the gather
 * form's gathers and broadcast multiplies dominated (~70 % of the KiTS student's training step).
 */
export function lerpAxis(x: tf.Tensor, axis: number, out: number, m: ResizeMode): tf.Tensor {
  const inn = x.shape[axis];
  if (inn === out) return x;
  const { lo, hi, t } = linearTaps(inn, out, m);
  const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const yShape = x.shape.map((d, i) => (i === axis ? out : d));
  const f = tf.customGrad((...args: unknown[]) => {
    const src = (args[0] as tf.Tensor).dataSync() as Float32Array;
    const y = new Float32Array(outer * out * inner);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < out; j++) {
        const a = (o * inn + lo[j]) * inner, b = (o * inn + hi[j]) * inner, w = t[j];
        const q = (o * out + j) * inner;
        for (let i = 0; i < inner; i++) y[q + i] = src[a + i] + (src[b + i] - src[a + i]) * w;
      }
    }
    return {
      value: tf.tensor(y, yShape),
      gradFunc: (dy: tf.Tensor) => {
        const g = dy.dataSync() as Float32Array;
        const dx = new Float32Array(outer * inn * inner);
        for (let o = 0; o < outer; o++) {
          for (let j = 0; j < out; j++) {
            const a = (o * inn + lo[j]) * inner, b = (o * inn + hi[j]) * inner, w = t[j];
            const q = (o * out + j) * inner;
            for (let i = 0; i < inner; i++) {
              dx[a + i] += g[q + i] * (1 - w);
              dx[b + i] += g[q + i] * w;
            }
          }
        }
        return tf.tensor(dx, x.shape);
      },
    };
  });
  return f(x) as tf.Tensor;
}

/** The per-axis interpolation for the active backend: the JS kernel on CPU, gathers elsewhere. */
function axisInterp(): typeof interpAxis {
  return tf.getBackend() === "cpu" ? lerpAxis : interpAxis;
}

/** Source taps of one axis: output o reads `lo[o]`, `hi[o]` with weight `t[o]` on `hi`. */
function linearTaps(inn: number, out: number, m: ResizeMode) {
  const lo = new Int32Array(out), hi = new Int32Array(out), t = new Float32Array(out);
  for (let o = 0; o < out; o++) {
    if (m.method === "nearest") {
      lo[o] = hi[o] = Math.min(Math.floor((o * inn) / out), inn - 1);
      continue;
    }
    const src = m.alignCorners
      ? (out > 1 ? (o * (inn - 1)) / (out - 1) : 0)
      : Math.max(0, ((o + 0.5) * inn) / out - 0.5);
    lo[o] = Math.min(Math.floor(src), inn - 1);
    hi[o] = Math.min(lo[o] + 1, inn - 1);
    t[o] = src - lo[o];
  }
  return { lo, hi, t };
}

/**
 * Resize [N, H, W, C] or [N, D, H, W, C] to `size` (spatial), or — with two inputs — to the
 * spatial shape of the second input. Linear interpolation is separable per axis (exact for
 * bilinear and trilinear) with PyTorch's rules: align-corners false = half-pixel centres clamped
 * at 0 (PyTorch's default); `nearest` is PyTorch's floor rule.
 *
 * @example
 * ```ts
 * import * as tf from "../../tf/tf.ts";
 * import { ResizeToShape } from "./spatial.ts";
 * const l = new ResizeToShape({ size: [3], method: "bilinear", alignCorners: true });
 * const y = l.apply(tf.tensor3d([0, 2], [1, 2, 1])) as tf.Tensor;
 * if (y.dataSync()[1] !== 1) throw new Error("bad resize");
 * ```
 */
export class ResizeToShape extends tf.layers.Layer {
  static className = "MedkdResizeToShape";
  readonly size: number[] | null;
  readonly mode: ResizeMode;

  constructor(args: LayerArgs & Partial<ResizeMode> & { size?: number[] | null }) {
    super(args);
    this.size = args.size ?? null;
    this.mode = { method: args.method ?? "bilinear", alignCorners: args.alignCorners ?? false };
  }

  private target(shapes: tf.Shape[]): (number | null)[] {
    if (this.size) return this.size;
    if (shapes.length < 2) throw new LayerConfigError("ResizeToShape: no size and no 2nd input");
    return shapes[1].slice(1, -1);
  }

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    const shapes = Array.isArray(s[0]) ? (s as tf.Shape[]) : [s as tf.Shape];
    const x = shapes[0];
    return [x[0], ...this.target(shapes), x[x.length - 1]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const list = Array.isArray(inputs) ? inputs : [inputs];
      let x = list[0];
      const size = this.target(list.map((t) => t.shape)) as number[];
      if (size.length !== x.rank - 2) {
        throw new LayerConfigError(`ResizeToShape: size [${size}] for input rank ${x.rank}`);
      }
      const axisFn = axisInterp();
      for (let a = 0; a < size.length; a++) x = axisFn(x, a + 1, size[a], this.mode);
      return x;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), size: this.size, ...this.mode };
  }
}

/**
 * Global average or max pooling over every spatial axis of [N, …, C] (2D or 3D) → [N, C].
 *
 * @example
 * ```ts
 * import * as tf from "../../tf/tf.ts";
 * import { GlobalPool } from "./spatial.ts";
 * const y = new GlobalPool({ mode: "max" }).apply(tf.tensor5d([1, 5, 2, 0], [1, 2, 2, 1, 1])) as tf.Tensor;
 * if (y.dataSync()[0] !== 5) throw new Error("bad pool");
 * ```
 */
export class GlobalPool extends tf.layers.Layer {
  static className = "MedkdGlobalPool";
  readonly mode: "avg" | "max";

  constructor(args: LayerArgs & { mode: "avg" | "max" }) {
    super(args);
    this.mode = args.mode;
  }

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = singleShape(s);
    return [shape[0], shape[shape.length - 1]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const axes = Array.from({ length: x.rank - 2 }, (_, i) => i + 1);
      return this.mode === "avg" ? tf.mean(x, axes) : tf.max(x, axes);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), mode: this.mode };
  }
}

/**
 * Depth to space on NHWC (channel index (i·b + j)·C' + c → pixel (h·b + i, w·b + j)), i.e.
 * einops `b h w (p1 p2 c) -> b (h p1) (w p2) c` (Swin-Unet / MISSFormer patch expanding).
 *
 * @example
 * ```ts
 * import * as tf from "../../tf/tf.ts";
 * import { DepthToSpace } from "./spatial.ts";
 * const y = new DepthToSpace({ blockSize: 2 }).apply(tf.tensor4d([1, 2, 3, 4], [1, 1, 1, 4])) as tf.Tensor;
 * if (Array.from(y.dataSync()).join() !== "1,2,3,4" || y.shape[1] !== 2) throw new Error("bad d2s");
 * ```
 */
export class DepthToSpace extends tf.layers.Layer {
  static className = "MedkdDepthToSpace";
  readonly blockSize: number;

  constructor(args: LayerArgs & { blockSize: number }) {
    super(args);
    this.blockSize = args.blockSize;
  }

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    const [n, h, w, c] = singleShape(s);
    const b = this.blockSize;
    return [n, h == null ? null : h * b, w == null ? null : w * b, (c as number) / (b * b)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    // reshape/transpose form: differentiable (TF.js registers no DepthToSpace gradient).
    return tf.tidy(() => {
      const x = single(inputs);
      const [n, h, w, c] = x.shape;
      const b = this.blockSize, co = c / (b * b);
      const y = tf.transpose(tf.reshape(x, [n, h, w, b, b, co]), [0, 1, 3, 2, 4, 5]);
      return tf.reshape(y, [n, h * b, w * b, co]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), blockSize: this.blockSize };
  }
}

/**
 * PyTorch `AdaptiveAvgPool2d(bins)` on NHWC: bin i covers [floor(i·H/bins), ceil((i+1)·H/bins)).
 *
 * @example
 * ```ts
 * import * as tf from "../../tf/tf.ts";
 * import { AdaptiveAvgPool } from "./spatial.ts";
 * const y = new AdaptiveAvgPool({ bins: 2 }).apply(tf.tensor4d([1, 2, 3], [1, 1, 3, 1])) as tf.Tensor;
 * // Height 1 → both row bins cover row 0; width 3 → bins [0, 2) and [1, 3).
 * if (Array.from(y.dataSync()).join() !== "1.5,2.5,1.5,2.5") throw new Error(String(y.dataSync()));
 * ```
 */
export class AdaptiveAvgPool extends tf.layers.Layer {
  static className = "MedkdAdaptiveAvgPool";
  readonly bins: number;

  constructor(args: LayerArgs & { bins: number }) {
    super(args);
    this.bins = args.bins;
  }

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    const [n, , , c] = singleShape(s);
    return [n, this.bins, this.bins, c];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const [, h, w] = x.shape;
      const range = (
        i: number,
        n: number,
      ) => [Math.floor((i * n) / this.bins), Math.ceil(((i + 1) * n) / this.bins)];
      const rows = Array.from({ length: this.bins }, (_, i) => {
        const [r0, r1] = range(i, h);
        const cols = Array.from({ length: this.bins }, (_, j) => {
          const [c0, c1] = range(j, w);
          return tf.mean(tf.slice(x, [0, r0, c0, 0], [-1, r1 - r0, c1 - c0, -1]), [1, 2], true);
        });
        return tf.concat(cols, 2);
      });
      return tf.concat(rows, 1);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), bins: this.bins };
  }
}

tf.serialization.registerClass(AdaptiveAvgPool);
tf.serialization.registerClass(DepthToSpace);
tf.serialization.registerClass(GlobalPool);
tf.serialization.registerClass(Pad);
tf.serialization.registerClass(Crop);
tf.serialization.registerClass(UpSampling3D);
tf.serialization.registerClass(ResizeToShape);
