/**
 * Evaluation of study 05: sliding-window inference (§6: tiles of the patch size, stride
 * ceil(tile·(1 − overlap)), last tile shifted back to the border, uniform averaging), the 15
 * modality subsets scored with ET/TC/WT Dice (lib/metrics `bratsMetrics`, both-empty → 1).
 * @module
 */
import * as tf from "../tf/tf.ts";
import { loadBratsAny } from "../datasets/mod.ts";
import { BRATS_REGIONS, BRATS_SUBSETS, bratsMetrics, composeBratsLabels } from "../metrics/mod.ts";

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

/**
 * Sliding-window outputs for several present-modality rows (0/1 per modality) at once: per row,
 * the tile outputs averaged voxel-wise, [D·H·W·3] channels-last. `probs` averages sigmoid
 * probabilities (evaluation); otherwise logits are averaged (election, §8 item 9).
 */
export function slidingLogits(
  model: tf.LayersModel,
  image: Float32Array,
  presents: number[][],
  patch: number[],
  overlap: number,
  o: { probs?: boolean; shape?: number[]; chunk?: number } = {},
): Float32Array[] {
  const [D, H, W] = o.shape ?? [patch[0], patch[1], patch[2]];
  const [pd, ph, pw] = patch;
  const tiles: number[][] = [];
  for (const d of tileStarts(D, pd, overlap)) {
    for (const h of tileStarts(H, ph, overlap)) {
      for (const w of tileStarts(W, pw, overlap)) tiles.push([d, h, w]);
    }
  }
  const jobs = presents.flatMap((_, r) => tiles.map((t) => ({ r, t })));
  const sum = presents.map(() => new Float32Array(D * H * W * 3));
  const cnt = new Float32Array(D * H * W);
  const tileVox = pd * ph * pw;
  const chunk = o.chunk ?? 16;
  for (let j0 = 0; j0 < jobs.length; j0 += chunk) {
    const js = jobs.slice(j0, j0 + chunk);
    const buf = new Float32Array(js.length * tileVox * 4);
    js.forEach(({ t: [d0, h0, w0] }, k) => {
      for (let d = 0; d < pd; d++) {
        for (let h = 0; h < ph; h++) {
          const src = (((d0 + d) * H + h0 + h) * W + w0) * 4;
          buf.set(image.subarray(src, src + pw * 4), k * tileVox * 4 + ((d * ph + h) * pw) * 4);
        }
      }
    });
    const out = tf.tidy(() => {
      const x = tf.tensor5d(buf, [js.length, pd, ph, pw, 4]);
      const p = tf.tensor2d(js.map(({ r }) => presents[r]));
      const r = model.predict([x, p]);
      const y = Array.isArray(r) ? r[0] : r;
      return o.probs ? tf.sigmoid(y) : y;
    });
    const v = out.dataSync();
    out.dispose();
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
  for (const s of sum) for (let i = 0; i < s.length; i++) s[i] /= cnt[Math.floor(i / 3)];
  return sum;
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

/** Evaluate every modality subset on `cases` (§6, local hard Dice). */
export function evaluateSubsets(
  model: tf.LayersModel,
  cases: EvalCase[],
  patch: number[],
  overlap: number,
  subsets: readonly string[] = BRATS_SUBSETS,
): SubsetScores {
  const rows = subsets.map((s) => {
    const on = s.split(",").map(Number);
    return [0, 1, 2, 3].map((m) => (on.includes(m) ? 1 : 0));
  });
  const dice = subsets.map(() => BRATS_REGIONS.map(() => 0));
  const perCase: Record<string, number> = {};
  let example: SubsetScores["example"] | undefined;
  for (const c of cases) {
    const probs = slidingLogits(model, c.image, rows, patch, overlap, {
      probs: true,
      shape: c.shape,
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
  return { dice, perCase, example: example! };
}
