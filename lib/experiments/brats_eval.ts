/**
 * Evaluation of study 05: sliding-window inference (§6: tiles of the patch size, stride
 * ceil(tile·(1 − overlap)), last tile shifted back to the border, uniform averaging), the 15
 * modality subsets scored with ET/TC/WT Dice (lib/metrics `bratsMetrics`, both-empty → 1).
 * @module
 */
import * as tf from "../tf/tf.ts";
import { loadBratsAny } from "../datasets/mod.ts";
import { BRATS_REGIONS, BRATS_SUBSETS, bratsMetrics, composeBratsLabels } from "../metrics/mod.ts";
import { RegroupModalities, runGraph } from "../models/mod.ts";

/** A preprocessed labelled case: image [D, H, W, 4] and targets [D, H, W, 3] (ET, WT, TC). */
export type EvalCase = { id: string; image: Float32Array; shape: number[]; target: Float32Array };

/** Load and normalise labelled cases (spec §2.4). */
export async function loadEvalCases(dirs: string[], countThreshold: number): Promise<EvalCase[]> {
  const out: EvalCase[] = [];
  for (const d of dirs) {
    const c = await loadBratsAny(d, { countThreshold, label: true });
    out.push({
      id: c.id,
      image: c.image.data as Float32Array,
      shape: c.image.shape.slice(0, 3),
      target: c.label!.data as Float32Array,
    });
  }
  return out;
}

/**
 * Window starts along one axis (§6): stride ceil(tile·(1 − overlap)), n = ceil((size − tile) /
 * stride) + 1, the last start moved back to size − tile.
 *
 * @example
 * ```ts
 * import { tileStarts } from "./brats_eval.ts";
 * if (tileStarts(155, 80, 1 / 3).join() !== "0,54,75") throw new Error();
 * if (tileStarts(240, 160, 1 / 3).join() !== "0,80") throw new Error();
 * ```
 */
export function tileStarts(size: number, tile: number, overlap: number): number[] {
  if (size <= tile) return [0];
  const stride = Math.ceil(tile * (1 - overlap) - 1e-9);
  const n = Math.ceil((size - tile) / stride) + 1;
  return Array.from({ length: n }, (_, k) => Math.min(k * stride, size - tile));
}

/** Throws unless `image` holds [D, H, W, 4] voxels (a view of the wrong size is never tiled). */
function checkImage(image: Float32Array, shape: number[]): void {
  const want = shape[0] * shape[1] * shape[2] * 4;
  if (image.length !== want) {
    throw new RangeError(
      `sliding window: image has ${image.length} values, shape [${shape}] × 4 modalities needs ` +
        `${want} (pass the case's shape)`,
    );
  }
}

/** Window origins [d, h, w] covering a [D, H, W] volume with `patch` tiles (§6). */
function tileGrid(shape: number[], patch: number[], overlap: number): number[][] {
  const tiles: number[][] = [];
  for (const d of tileStarts(shape[0], patch[0], overlap)) {
    for (const h of tileStarts(shape[1], patch[1], overlap)) {
      for (const w of tileStarts(shape[2], patch[2], overlap)) tiles.push([d, h, w]);
    }
  }
  return tiles;
}

/** The tiles at `origins` of a [D, H, W, 4] image, stacked: [origins.length · tile voxels · 4]. */
function cutTiles(image: Float32Array, shape: number[], patch: number[], origins: number[][]) {
  const [, H, W] = shape;
  const [pd, ph, pw] = patch;
  const tileVox = pd * ph * pw;
  const buf = new Float32Array(origins.length * tileVox * 4);
  origins.forEach(([d0, h0, w0], k) => {
    for (let d = 0; d < pd; d++) {
      for (let h = 0; h < ph; h++) {
        const src = (((d0 + d) * H + h0 + h) * W + w0) * 4;
        buf.set(image.subarray(src, src + pw * 4), k * tileVox * 4 + ((d * ph + h) * pw) * 4);
      }
    }
  });
  return buf;
}

/**
 * Add tile outputs `v` ([jobs, pd, ph, pw, 3]) into their rows' sums; `cnt` (voxel coverage) is
 * counted on row 0's jobs.
 */
function accumulate(
  v: Float32Array | Int32Array | Uint8Array,
  js: { r: number; t: number[] }[],
  sum: Float32Array[],
  cnt: Float32Array,
  shape: number[],
  patch: number[],
) {
  const [, H, W] = shape;
  const [pd, ph, pw] = patch;
  const tileVox = pd * ph * pw;
  js.forEach(({ r, t: [d0, h0, w0] }, k) => {
    for (let d = 0; d < pd; d++) {
      for (let h = 0; h < ph; h++) {
        for (let w = 0; w < pw; w++) {
          const dst = ((d0 + d) * H + h0 + h) * W + w0 + w;
          const s = (k * tileVox + (d * ph + h) * pw + w) * 3;
          sum[r][3 * dst] += v[s];
          sum[r][3 * dst + 1] += v[s + 1];
          sum[r][3 * dst + 2] += v[s + 2];
          if (r === 0) cnt[dst]++;
        }
      }
    }
  });
}

function average(sum: Float32Array[], cnt: Float32Array): Float32Array[] {
  for (const s of sum) for (let i = 0; i < s.length; i++) s[i] /= cnt[Math.floor(i / 3)];
  return sum;
}

/**
 * Sliding-window outputs for several present-modality rows (0/1 per modality) at once: per row,
 * the tile outputs averaged voxel-wise, [D·H·W·3] channels-last. `probs` averages sigmoid
 * probabilities (evaluation); otherwise logits are averaged (election, §8 item 9). Runs the whole
 * model once per (row, tile); `slidingSubsetProbs` is the cheaper evaluation path for the DualNet.
 */
export function slidingLogits(
  model: tf.LayersModel,
  image: Float32Array,
  presents: number[][],
  patch: number[],
  overlap: number,
  o: { probs?: boolean; shape?: number[]; chunk?: number } = {},
): Float32Array[] {
  const shape = o.shape ?? [patch[0], patch[1], patch[2]];
  const [D, H, W] = shape;
  checkImage(image, shape);
  const [pd, ph, pw] = patch;
  const tiles = tileGrid(shape, patch, overlap);
  const jobs = presents.flatMap((_, r) => tiles.map((t) => ({ r, t })));
  const sum = presents.map(() => new Float32Array(D * H * W * 3));
  const cnt = new Float32Array(D * H * W);
  const chunk = o.chunk ?? 16;
  for (let j0 = 0; j0 < jobs.length; j0 += chunk) {
    const js = jobs.slice(j0, j0 + chunk);
    const buf = cutTiles(image, shape, patch, js.map((j) => j.t));
    const out = tf.tidy(() => {
      const x = tf.tensor5d(buf, [js.length, pd, ph, pw, 4]);
      const p = tf.tensor2d(js.map(({ r }) => presents[r]));
      const r = model.predict([x, p]);
      const y = Array.isArray(r) ? r[0] : r;
      return o.probs ? tf.sigmoid(y) : y;
    });
    const v = out.dataSync();
    out.dispose();
    accumulate(v, js, sum, cnt, shape, patch);
  }
  return average(sum, cnt);
}

/**
 * The LCKD DualNet cut at its modality regrouping: `encoded` are the modality-batched encoder
 * tensors ([n·4, …], the inputs of every `RegroupModalities` layer: ASPP output and skips) and
 * `zero` their values for one all-zero modality volume of the patch size ([1, …]), which is what
 * an absent (masked) modality encodes to. Dispose with `dispose()`.
 */
export type DualNetSplit = {
  image: tf.SymbolicTensor;
  present: tf.SymbolicTensor;
  logits: tf.SymbolicTensor;
  encoded: tf.SymbolicTensor[];
  zero: tf.Tensor[];
  dispose(): void;
};

/**
 * Split a DualNet (a model with a `modality_to_batch` layer and `RegroupModalities` layers) for
 * `slidingSubsetProbs`; null for any other model. Instance norms make each modality's encoding
 * depend on that modality's volume only, which is what makes the split exact.
 */
export function splitDualNet(model: tf.LayersModel, patch: number[]): DualNetSplit | null {
  if (!model.layers.some((l) => l.name === "modality_to_batch")) return null;
  const regroups = model.layers.filter((l) => l instanceof RegroupModalities);
  if (regroups.length === 0 || model.inputs.length !== 2) return null;
  const encoded: tf.SymbolicTensor[] = [];
  for (const l of regroups) {
    const nodes = (l as unknown as { inboundNodes: { inputTensors: tf.SymbolicTensor[] }[] })
      .inboundNodes;
    for (const n of nodes) {
      const f = n.inputTensors[0];
      if (!encoded.some((e) => e.id === f.id)) encoded.push(f);
    }
  }
  const [image, present] = model.inputs;
  const logits = model.outputs[0];
  const zero = tf.tidy(() => {
    const x = tf.zeros([1, patch[0], patch[1], patch[2], image.shape[4] as number]);
    const p = tf.ones([1, present.shape[1] as number]);
    const e = runGraph(model, [[image, x], [present, p]], encoded);
    return e.map((t) => tf.slice(t, 0, 1));
  });
  return { image, present, logits, encoded, zero, dispose: () => tf.dispose(zero) };
}

/**
 * Sliding-window sigmoid probabilities for several present-modality rows, as `slidingLogits(…,
 * { probs: true })`, but for the DualNet each tile's four modalities are encoded once (all
 * present) and only the decoder runs per row, absent modalities taking the all-zero volume's
 * encoding (`splitDualNet`); 15 rows cost one encoder pass per tile instead of 15. Other models
 * fall back to `slidingLogits`. `chunk` bounds the decoder batch (rows × tiles), `tileChunk` the
 * tiles encoded at once; pass `split` to reuse one across cases. `logits: true` averages logits
 * instead of probabilities (the teacher election's rule).
 */
export function slidingSubsetProbs(
  model: tf.LayersModel,
  image: Float32Array,
  presents: number[][],
  patch: number[],
  overlap: number,
  o: {
    shape?: number[];
    chunk?: number;
    tileChunk?: number;
    split?: DualNetSplit | null;
    logits?: boolean;
  } = {},
): Float32Array[] {
  const split = o.split === undefined ? splitDualNet(model, patch) : o.split;
  if (!split) {
    return slidingLogits(model, image, presents, patch, overlap, { ...o, probs: !o.logits });
  }
  try {
    const shape = o.shape ?? [patch[0], patch[1], patch[2]];
    const [D, H, W] = shape;
    checkImage(image, shape);
    const [pd, ph, pw] = patch;
    const M = split.image.shape[4] as number;
    const tiles = tileGrid(shape, patch, overlap);
    const sum = presents.map(() => new Float32Array(D * H * W * 3));
    const cnt = new Float32Array(D * H * W);
    const chunk = o.chunk ?? 16;
    const tileChunk = o.tileChunk ?? 4;
    for (let t0 = 0; t0 < tiles.length; t0 += tileChunk) {
      const ts = tiles.slice(t0, t0 + tileChunk);
      const buf = cutTiles(image, shape, patch, ts);
      // Pool of encodings: rows t·M + m = modality m of tile t, last row = the zero volume.
      const pool = tf.tidy(() => {
        const x = tf.tensor5d(buf, [ts.length, pd, ph, pw, M]);
        const p = tf.ones([ts.length, M]);
        const e = runGraph(model, [[split.image, x], [split.present, p]], split.encoded);
        return e.map((t, i) => tf.concat([t, split.zero[i]], 0));
      });
      const jobs = presents.flatMap((_, r) => ts.map((t, k) => ({ r, t, k })));
      for (let j0 = 0; j0 < jobs.length; j0 += chunk) {
        const js = jobs.slice(j0, j0 + chunk);
        const idx = js.flatMap(({ r, k }) =>
          presents[r].map((on, m) => (on ? k * M + m : ts.length * M))
        );
        const out = tf.tidy(() => {
          const ix = tf.tensor1d(idx, "int32");
          const feeds: [tf.SymbolicTensor, tf.Tensor][] = split.encoded.map((
            s,
            i,
          ) => [s, tf.gather(pool[i], ix)]);
          feeds.push([split.present, tf.tensor2d(js.map(({ r }) => presents[r]))]);
          const [y] = runGraph(model, feeds, [split.logits]);
          return o.logits ? y : tf.sigmoid(y);
        });
        const v = out.dataSync();
        out.dispose();
        accumulate(v, js, sum, cnt, shape, patch);
      }
      tf.dispose(pool);
    }
    return average(sum, cnt);
  } finally {
    if (o.split === undefined) split.dispose();
  }
}

/** Label map (0/1/2/4) from [ET, WT, TC] channels-last maps, thresholded at > 0.5 (round()). */
export function labelsFromChannels(m: Float32Array, threshold = 0.5): Uint8Array {
  const n = m.length / 3;
  const et = new Uint8Array(n), wt = new Uint8Array(n), tc = new Uint8Array(n);
  for (let v = 0; v < n; v++) {
    et[v] = m[3 * v] > threshold ? 1 : 0;
    wt[v] = m[3 * v + 1] > threshold ? 1 : 0;
    tc[v] = m[3 * v + 2] > threshold ? 1 : 0;
  }
  return composeBratsLabels({ ET: et, TC: tc, WT: wt });
}

/** Dice per subset (BRATS_SUBSETS order) and region (ET, TC, WT), mean over cases. */
export type SubsetScores = {
  /** `dice[s][r]`: mean over cases of subset s, region r (ET, TC, WT). */
  dice: number[][];
  /** Per case (id) the mean Dice over subsets and regions. */
  perCase: Record<string, number>;
  /** Predicted label map (all modalities) of the first case, for the slice viewer. */
  example: {
    id: string;
    pred: Uint8Array;
    truth: Uint8Array;
    image: Float32Array;
    shape: number[];
  };
};

/**
 * Evaluate every modality subset on `cases` (§6, local hard Dice). The DualNet is evaluated
 * through `slidingSubsetProbs` (one encoder pass per tile for all subsets); `fast: false` runs the
 * whole model per subset and tile (`slidingLogits`, the reference path).
 */
export function evaluateSubsets(
  model: tf.LayersModel,
  cases: EvalCase[],
  patch: number[],
  overlap: number,
  subsets: readonly string[] = BRATS_SUBSETS,
  o: { fast?: boolean } = {},
): SubsetScores {
  const rows = subsets.map((s) => {
    const on = s.split(",").map(Number);
    return [0, 1, 2, 3].map((m) => (on.includes(m) ? 1 : 0));
  });
  const dice = subsets.map(() => BRATS_REGIONS.map(() => 0));
  const perCase: Record<string, number> = {};
  let example: SubsetScores["example"] | undefined;
  // null → slidingSubsetProbs runs the whole model per subset (non-DualNets, or `fast: false`)
  const split = o.fast === false ? null : splitDualNet(model, patch);
  try {
    for (const c of cases) {
      const probs = slidingSubsetProbs(model, c.image, rows, patch, overlap, {
        shape: c.shape,
        split,
      });
      const truth = labelsFromChannels(c.target);
      let acc = 0;
      probs.forEach((pm, s) => {
        const pred = labelsFromChannels(pm);
        const sc = bratsMetrics(pred, truth);
        BRATS_REGIONS.forEach((r, j) => {
          dice[s][j] += sc[r].dice / cases.length;
          acc += sc[r].dice;
        });
        if (!example && s === subsets.length - 1) {
          example = { id: c.id, pred, truth, image: c.image, shape: c.shape };
        }
      });
      perCase[c.id] = acc / (subsets.length * BRATS_REGIONS.length);
    }
  } finally {
    split?.dispose();
  }
  return { dice, perCase, example: example! };
}
