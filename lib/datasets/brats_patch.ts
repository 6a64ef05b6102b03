/**
 * LCKD training patches (spec 05 §2.5) and the BraTS data sets built on {@link loadBratsCase}.
 * @module
 */
import type { Rng } from "../random/mod.ts";
import { bratsAugment, type BratsAugOptions } from "./augment_brats.ts";
import { type BratsCase, loadBratsAny } from "./brats.ts";
import { crop, flip, type Nd, resize } from "./nd.ts";
import { type Dataset, DatasetError, type Sample } from "./types.ts";

/** Patch sampling settings (paper: patch 80×160×160, margins D 0 / H 15 / W 10). */
export type BratsPatchOptions = {
  patch: [number, number, number];
  /** Random-crop margins per axis [D, H, W]. */
  margins?: [number, number, number];
  /** Probability and range of the random crop-size scale (0.5, [0.9, 1.1]). */
  scaleProb?: number;
  scaleRange?: [number, number];
  /** Probability of a foreground-centred window (0.5). */
  fgProb?: number;
};

/** Where the window goes: random crop within the margins, clamped to the volume. */
function randomStart(dims: number[], size: number[], margins: number[], rng: Rng): number[] {
  return dims.map((n, a) => {
    const lo = Math.min(margins[a], Math.max(0, n - size[a]));
    const hi = Math.max(lo, n - margins[a] - size[a]);
    return rng.int(lo, hi + 1);
  });
}

/**
 * Cut one training patch from a case (spec 05 §2.5): random scale (p 0.5, U(0.9, 1.1), sizes
 * truncated), foreground-centred window on a random target channel (p 0.5; k = 3 or an empty
 * channel falls back to a random crop) or a random crop within the margins, the eight-way flip,
 * and a resize back to `patch` (image linear, targets nearest) when the window size differs.
 *
 * @example
 * ```ts
 * import { createRng } from "../random/mod.ts";
 * import { sampleBratsPatch } from "./brats_patch.ts";
 * const image = { data: new Float32Array(4 * 8 * 8 * 4), shape: [4, 8, 8, 4] };
 * const label = { data: new Float32Array(4 * 8 * 8 * 3), shape: [4, 8, 8, 3] };
 * const p = sampleBratsPatch({ image, label }, createRng(0), { patch: [2, 4, 4], margins: [0, 1, 1] });
 * if (p.image.shape.join() !== "2,4,4,4" || p.label.shape.join() !== "2,4,4,3") throw new Error();
 * ```
 */
export function sampleBratsPatch(
  c: { image: Nd; label: Nd },
  rng: Rng,
  o: BratsPatchOptions,
): { image: Nd; label: Nd } {
  const dims = c.image.shape.slice(0, 3);
  const margins = o.margins ?? [0, 15, 10];
  let s = 1;
  if (rng.bernoulli(o.scaleProb ?? 0.5)) {
    const [a, b] = o.scaleRange ?? [0.9, 1.1];
    s = rng.uniform(a, b);
  }
  const size = o.patch.map((p, a) => Math.min(dims[a], Math.trunc(p * s)));
  let start: number[] | undefined;
  let len = size;
  if (rng.bernoulli(o.fgProb ?? 0.5)) {
    const k = rng.int(0, 4);
    if (k < 3) {
      const fg: number[] = [];
      for (let i = k, v = 0; i < c.label.data.length; i += 3, v++) if (c.label.data[i]) fg.push(v);
      if (fg.length) {
        const v = fg[rng.int(0, fg.length)];
        const ctr = [
          Math.floor(v / (dims[1] * dims[2])),
          Math.floor(v / dims[2]) % dims[1],
          v % dims[2],
        ];
        len = size.map((x) => 2 * Math.floor(x / 2));
        start = ctr.map((cc, a) => Math.max(0, Math.min(cc - len[a] / 2, dims[a] - len[a])));
      }
    }
  }
  if (!start) {
    len = size;
    start = randomStart(dims, size, margins, rng);
  }
  let image = crop(c.image, start, len), label = crop(c.label, start, len);
  const r = rng.random();
  const axes = r <= 0.3
    ? []
    : r <= 0.4
    ? [2]
    : r <= 0.5
    ? [1]
    : r <= 0.6
    ? [0]
    : r <= 0.7
    ? [1, 2]
    : r <= 0.8
    ? [0, 2]
    : r <= 0.9
    ? [0, 1]
    : [0, 1, 2];
  if (axes.length) (image = flip(image, axes), label = flip(label, axes));
  if (len.join() !== o.patch.join()) {
    image = resize(image, o.patch, "linear");
    label = resize(label, o.patch, "nearest");
  }
  return { image, label };
}

/** Options of {@link bratsTrainDataset}. */
export type BratsTrainOptions = BratsPatchOptions & {
  /** batchgenerators augmentation after the patch (false = off). */
  augment?: BratsAugOptions | false;
  /** Histogram count threshold of the normalisation (paper 50, demo 1). */
  countThreshold?: number;
  /** Normalised cases kept in memory, least recently used dropped first (default 16). */
  cacheCases?: number;
};

/**
 * Training set over case folders (or SliceMaker `.npz` caches): sample i = a fresh patch of case i (+ augmentation). Each
 * case is loaded and normalised once and kept in a small LRU cache (spec 05 §2.6 note).
 *
 * @example
 * ```ts ignore
 * const dirs = await readBratsDatalist("data/brats/datalist/BraTS18/BraTS18_train.csv");
 * const ds = bratsTrainDataset(dirs, { patch: [16, 32, 32], margins: [0, 3, 2] });
 * ```
 */
export function bratsTrainDataset(dirs: readonly string[], o: BratsTrainOptions): Dataset {
  const cache = new Map<string, Promise<BratsCase>>();
  const load = (d: string) => {
    let p = cache.get(d);
    if (p) cache.delete(d); // re-insert: most recently used last
    else p = loadBratsAny(d, { countThreshold: o.countThreshold, label: true });
    cache.set(d, p);
    while (cache.size > Math.max(1, o.cacheCases ?? 16)) cache.delete(cache.keys().next().value!);
    return p;
  };
  return {
    length: dirs.length,
    async get(i: number, rng: Rng): Promise<Sample> {
      const c = await load(dirs[i]);
      if (!c.label) throw new DatasetError(dirs[i], "training case has no seg file");
      let p = sampleBratsPatch({ image: c.image, label: c.label }, rng.fork("patch"), o);
      if (o.augment !== false) p = bratsAugment(p, rng.fork("augment"), o.augment ?? {});
      return sampleOf(c.id, p.image, p.label);
    },
  };
}

/**
 * Whole normalised cases (for sliding-window evaluation); targets when a seg file exists.
 *
 * @example
 * ```ts ignore
 * const ds = bratsCaseDataset(await readBratsDatalist("data/brats/datalist/BraTS18/BraTS18_val.csv"));
 * ```
 */
export function bratsCaseDataset(
  dirs: readonly string[],
  o: { countThreshold?: number } = {},
): Dataset {
  return {
    length: dirs.length,
    async get(i: number): Promise<Sample> {
      const c = await loadBratsAny(dirs[i], { countThreshold: o.countThreshold });
      const label = c.label ?? { data: new Float32Array(0), shape: [0] };
      return sampleOf(c.id, c.image, label);
    },
  };
}

function sampleOf(id: string, image: Nd, label: Nd): Sample {
  return {
    id,
    group: id,
    image: image.data,
    shape: image.shape,
    label: label.data,
    labelShape: label.shape,
  };
}
