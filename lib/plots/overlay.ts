/**
 * Slice viewer (Plotly image traces of PNG slices, slider over slices) and PNG export of a slice with its label and
 * prediction overlays.
 *
 * Volumes are in {@link Volume} order: `shape` `[x, y, z]` (or `[x, y]`), first axis fastest. A
 * slice along axis `a` is shown with the remaining axes as (columns, rows) in increasing order,
 * rows downwards (image convention).
 *
 * @module
 */
import { encode } from "fast-png";
import { Buffer } from "node:buffer";
import { percentile } from "../metrics/percentile.ts";
import type { Figure, Trace } from "./figures.ts";

/** Colours of label values 1, 2, 3 … (cycled). */
export const LABEL_COLORS = [
  "#e6194b",
  "#3cb44b",
  "#4363d8",
  "#ffe119",
  "#f58231",
  "#911eb4",
  "#46f0f0",
  "#f032e6",
  "#bcf60c",
  "#fabebe",
]; // deno-fmt-ignore

/** A volume with optional truth and prediction label maps of the same shape. */
export type SliceInput = {
  image: ArrayLike<number>;
  shape: number[];
  spacing?: number[];
  label?: ArrayLike<number>;
  pred?: ArrayLike<number>;
  /** Slice axis (default the last). */
  axis?: number;
  /** Intensity window [lo, hi] (default the 0.5th and 99.5th percentiles). */
  window?: [number, number];
};

/** One 2D slice: `data[row * width + col]`. */
export type Slice2D = { data: Float64Array; width: number; height: number };

function dims3(shape: number[]): [number, number, number] {
  if (shape.length < 2 || shape.length > 3) {
    throw new RangeError(`overlay: shape must be [x, y] or [x, y, z], got [${shape}]`);
  }
  return [shape[0], shape[1], shape[2] ?? 1];
}

/**
 * Extract slice `index` along `axis` of a first-axis-fastest volume.
 *
 * @example
 * ```ts
 * import { extractSlice } from "./overlay.ts";
 * const s = extractSlice([0, 1, 2, 3, 4, 5, 6, 7], [2, 2, 2], 2, 1);
 * if (s.width !== 2 || s.data.join() !== "4,5,6,7") throw new Error();
 * ```
 */
export function extractSlice(
  vol: ArrayLike<number>,
  shape: number[],
  axis: number,
  index: number,
): Slice2D {
  const d = dims3(shape);
  if (!(axis >= 0 && axis < 3) || !(index >= 0 && index < d[axis])) {
    throw new RangeError(`overlay: slice ${index} on axis ${axis} outside [${shape}]`);
  }
  const [cAx, rAx] = [0, 1, 2].filter((a) => a !== axis);
  const stride = [1, d[0], d[0] * d[1]];
  const width = d[cAx], height = d[rAx];
  const data = new Float64Array(width * height);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      data[r * width + c] = vol[index * stride[axis] + c * stride[cAx] + r * stride[rAx]];
    }
  }
  return { data, width, height };
}

function autoWindow(image: ArrayLike<number>): [number, number] {
  const step = Math.max(1, Math.floor(image.length / 200000));
  const sample: number[] = [];
  for (let i = 0; i < image.length; i += step) sample.push(image[i]);
  const lo = percentile(sample, 0.5), hi = percentile(sample, 99.5);
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

/**
 * Interactive slice viewer: image with the truth overlay (left) and with the prediction overlay
 * (right, when given), a slider over slices. Each panel of each slice is one Plotly `image` trace
 * whose source is a PNG (windowed grey image with the labels blended in, {@link overlayRgba}), so
 * a figure stays small (a 96² slice is a few kB, against ~200 kB as JSON heatmaps) and notebook
 * outputs stay light. The slider uses visibility steps (`restyle`), no Plotly frames; `maxSlices`
 * (default 48) evenly spaced slices are included.
 *
 * @example
 * ```ts
 * import { sliceViewer } from "./overlay.ts";
 * const img = Float32Array.from({ length: 4 * 4 * 3 }, (_, i) => i);
 * const lab = new Uint8Array(48).fill(1, 0, 5);
 * const f = sliceViewer({ image: img, shape: [4, 4, 3], label: lab, pred: lab });
 * const steps = (f.layout.sliders as { steps: unknown[] }[])[0].steps;
 * if (steps.length !== 3 || f.data.length !== 6 || f.data[0].type !== "image") throw new Error();
 * ```
 */
export function sliceViewer(
  input: SliceInput,
  opts: { maxSlices?: number; opacity?: number; title?: string } = {},
): Figure {
  const d = dims3(input.shape);
  const axis = input.axis ?? 2;
  const n = d[axis];
  const count = Math.min(n, opts.maxSlices ?? 48);
  const indices = Array.from(
    { length: count },
    (_, i) => Math.round((i * (n - 1)) / Math.max(1, count - 1)),
  );
  const win = input.window ?? autoWindow(input.image);
  const sp = input.spacing ?? [1, 1, 1];
  const [cAx, rAx] = [0, 1, 2].filter((a) => a !== axis);
  const panels = input.pred ? 2 : 1;
  const data: Trace[] = [];
  const start = Math.floor(count / 2);
  for (let k = 0; k < count; k++) {
    const img = extractSlice(input.image, input.shape, axis, indices[k]);
    [input.label, input.pred].slice(0, panels).forEach((ov, p) => {
      const rgba = overlayRgba(
        img,
        win,
        ov ? extractSlice(ov, input.shape, axis, indices[k]) : undefined,
        opts.opacity ?? 0.45,
      );
      const png = encode({ width: img.width, height: img.height, data: rgba, channels: 4 });
      data.push({
        type: "image",
        source: `data:image/png;base64,${Buffer.from(png).toString("base64")}`,
        dx: sp[cAx] ?? 1,
        dy: sp[rAx] ?? 1,
        visible: k === start,
        hoverinfo: "skip",
        name: `${p === 0 ? (ov ? "truth" : "image") : "prediction"} ${indices[k]}`,
        ...(p === 0 ? {} : { xaxis: "x2", yaxis: "y2" }),
      });
    });
  }
  const steps = indices.map((idx, k) => ({
    method: "restyle",
    label: String(idx),
    args: [{ visible: data.map((_, t) => Math.floor(t / panels) === k) }],
  }));
  const yaxis = { autorange: "reversed", scaleanchor: "x", showticklabels: false };
  const layout: Record<string, unknown> = {
    title: { text: opts.title ?? `slices along axis ${axis}` },
    xaxis: {
      domain: panels === 2 ? [0, 0.49] : [0, 1],
      showticklabels: false,
      title: { text: input.label ? "truth" : "image" },
    },
    yaxis,
    sliders: [{ active: start, steps, currentvalue: { prefix: "slice " }, pad: { t: 30 } }],
  };
  if (panels === 2) {
    layout.xaxis2 = { domain: [0.51, 1], showticklabels: false, title: { text: "prediction" } };
    layout.yaxis2 = { ...yaxis, scaleanchor: "x2" };
  }
  return { data, layout };
}

function rgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [n >> 16, (n >> 8) & 255, n & 255];
}

/**
 * RGBA pixels of a windowed grey slice with a label overlay blended at `alpha`
 * (out = (1 − α)·grey + α·colour where label > 0).
 *
 * @example
 * ```ts
 * import { overlayRgba } from "./overlay.ts";
 * const px = overlayRgba({ data: new Float64Array([0, 1]), width: 2, height: 1 }, [0, 1], { data: new Float64Array([1, 0]), width: 2, height: 1 }, 1);
 * if (px[0] !== 0xe6 || px[4] !== 255) throw new Error(String(px));
 * ```
 */
export function overlayRgba(
  img: Slice2D,
  window: [number, number],
  label?: Slice2D,
  alpha = 0.45,
): Uint8Array {
  const out = new Uint8Array(img.width * img.height * 4);
  const [lo, hi] = window;
  for (let i = 0; i < img.data.length; i++) {
    const g = Math.max(0, Math.min(255, Math.round(((img.data[i] - lo) / (hi - lo)) * 255)));
    let r = g, gg = g, b = g;
    const l = label ? label.data[i] : 0;
    if (l > 0) {
      const c = rgb(LABEL_COLORS[(l - 1) % LABEL_COLORS.length]);
      r = Math.round((1 - alpha) * g + alpha * c[0]);
      gg = Math.round((1 - alpha) * g + alpha * c[1]);
      b = Math.round((1 - alpha) * g + alpha * c[2]);
    }
    out.set([r, gg, b, 255], i * 4);
  }
  return out;
}

/**
 * PNG bytes of slice `index`: image + truth overlay, and image + prediction overlay to its right
 * (4 px gap) when `pred` is given.
 *
 * @example
 * ```ts
 * import { slicePng } from "./overlay.ts";
 * const png = slicePng({ image: new Float32Array(8), shape: [2, 2, 2], pred: new Uint8Array(8) }, 0);
 * if (png[1] !== 0x50) throw new Error("PNG signature");
 * ```
 */
export function slicePng(
  input: SliceInput,
  index: number,
  opts: { alpha?: number } = {},
): Uint8Array {
  const axis = input.axis ?? 2;
  const win = input.window ?? autoWindow(input.image);
  const img = extractSlice(input.image, input.shape, axis, index);
  const panels = [input.label, input.pred].filter((x, p) => p === 0 || x !== undefined);
  const gap = 4, W = img.width * panels.length + gap * (panels.length - 1), H = img.height;
  const out = new Uint8Array(W * H * 4).fill(255);
  panels.forEach((ov, p) => {
    const px = overlayRgba(
      img,
      win,
      ov ? extractSlice(ov, input.shape, axis, index) : undefined,
      opts.alpha,
    );
    for (let r = 0; r < H; r++) {
      out.set(
        px.subarray(r * img.width * 4, (r + 1) * img.width * 4),
        (r * W + p * (img.width + gap)) * 4,
      );
    }
  }); // deno-fmt-ignore
  return encode({ width: W, height: H, data: out, channels: 4, depth: 8 });
}
