/**
 * CXR8 study (spec 04): data stage — list files, patient-level leakage guard, the original's
 * augmentation (lib/datasets `cxrTransform`), seeded loaders for the training loop and ten-crop
 * prediction with the original's output averaging (§2.3, §7 B12).
 * @module
 */
import { join } from "node:path";
import * as tf from "../tf/tf.ts";
import {
  assertPatientDisjoint,
  CXR_LABELS,
  type CxrEntry,
  type CxrOptions,
  cxrPatientId,
  cxrTransform,
  DataLoader,
  type Dataset,
  type LoaderState,
  type Nd,
  readCxrImage,
  readCxrList,
  type Sample,
} from "../datasets/mod.ts";
import { type BatchSource, loaderSource } from "../training/mod.ts";
import { multiLabelAuroc } from "../metrics/mod.ts";

/** The three labelled splits of the original (§2.2). */
export type CxrSplit = "train" | "val" | "test";

/**
 * List files of each split, relative to the data root.
 *
 * @example
 * ```ts
 * import { CXR_LISTS } from "./cxr8_data.ts";
 * if (CXR_LISTS.val !== "labels/val_list.txt") throw new Error();
 * ```
 */
export const CXR_LISTS: Record<CxrSplit, string> = {
  train: "labels/train_list_224.txt",
  val: "labels/val_list.txt",
  test: "labels/test_list_224.txt",
};

/** Settings of the data stage (a subset of the preset). */
export type CxrDataConfig = {
  imageDir: string;
  resize: number;
  crop: number;
  minArea: number;
  /** Keep decoded images in memory (demo: ≈1,200 small PNGs; never at paper scale). */
  cacheImages: boolean;
};

/** The data of one run: lists, image access and the leakage facts. */
export type CxrData = {
  root: string;
  config: CxrDataConfig;
  lists: Record<CxrSplit, CxrEntry[]>;
  /** Decoded `[H, W, 3]` image in [0, 1] (cached when `config.cacheImages`). */
  image(name: string): Promise<Nd>;
  /**
   * §7 B4: how many images of NIH's name-only `test_list.txt` sit in the training / distillation
   * lists (the reason the original's test scripts cannot be fixed by labelling that list).
   */
  nihTestOverlap: { train: number; val: number; test: number; total: number } | null;
};

/**
 * Read the three labelled lists, check that test patients appear in neither train nor val (the
 * leakage guard of §7 B4; throws a DatasetError otherwise) and measure the NIH-list overlap.
 *
 * @example
 * ```ts ignore
 * const data = await prepareData("data/phantoms/chestxray14", { imageDir: "images-224", resize: 32, crop: 28, minArea: 0.08, cacheImages: true });
 * ```
 */
export async function prepareData(root: string, config: CxrDataConfig): Promise<CxrData> {
  const read = async (s: CxrSplit) => {
    const l = await readCxrList(join(root, CXR_LISTS[s]));
    if (l.some((e) => !e.labels)) {
      throw new Error(`${CXR_LISTS[s]}: expected a labelled list (name + 14 labels)`);
    }
    return l;
  };
  const lists = { train: await read("train"), val: await read("val"), test: await read("test") };
  assertPatientDisjoint([...lists.train, ...lists.val], lists.test, CXR_LISTS.test);
  assertPatientDisjoint(lists.train, lists.val, CXR_LISTS.val);
  let nihTestOverlap: CxrData["nihTestOverlap"] = null;
  try {
    const nih = new Set((await readCxrList(join(root, "labels/test_list.txt"))).map((e) => e.name));
    const count = (l: CxrEntry[]) => l.filter((e) => nih.has(e.name)).length;
    nihTestOverlap = {
      train: count(lists.train),
      val: count(lists.val),
      test: count(lists.test),
      total: nih.size,
    };
  } catch {
    // the name-only NIH list is optional
  }
  const cache = new Map<string, Promise<Nd>>();
  const image = (name: string) => {
    const path = join(root, config.imageDir, name);
    if (!config.cacheImages) return readCxrImage(path);
    let p = cache.get(name);
    if (!p) cache.set(name, p = readCxrImage(path));
    return p;
  };
  return { root, config, lists, image, nihTestOverlap };
}

/**
 * A split as a {@link Dataset}: training augmentation or the test pipeline (ten-crop/centre).
 *
 * @example
 * ```ts ignore
 * const ds = cxrDataset(data, "test", { train: false, tta: "tencrop" }); // samples [10, 28, 28, 3]
 * ```
 */
export function cxrDataset(
  data: CxrData,
  split: CxrSplit,
  mode: { train: boolean; tta?: "tencrop" | "center" },
): Dataset<Sample> {
  const entries = data.lists[split];
  const c = data.config;
  const o: CxrOptions = {
    train: mode.train,
    resize: c.resize,
    crop: c.crop,
    minArea: c.minArea,
    test: mode.tta ?? "tencrop",
  };
  return {
    length: entries.length,
    async get(i, rng) {
      const e = entries[i];
      const x = cxrTransform(await data.image(e.name), o, rng);
      return {
        id: e.name,
        group: cxrPatientId(e.name),
        image: x.data,
        shape: x.shape,
        label: Float32Array.from(e.labels!),
        labelShape: [14],
      };
    },
  };
}

/**
 * A shuffled, resumable, endless training source over `split` for the loop.
 *
 * @example
 * ```ts ignore
 * const src = trainSource(data, "train", 16, "0:teacher"); // for train({ data: src, … })
 * ```
 */
export function trainSource(
  data: CxrData,
  split: CxrSplit,
  batchSize: number,
  seed: string,
): BatchSource {
  const ds = cxrDataset(data, split, { train: true });
  return loaderSource(
    (start) =>
      new DataLoader(ds, { batchSize, seed, epochs: Infinity, start: start as LoaderState }),
    (b) => ({ x: b.image, y: b.label }),
  );
}

/** How a model's ten (or one) crop outputs become one score per image and label. */
export type ScoreMode = {
  /** Model ends in a Sigmoid (CheXNet / Visformer / AutoFormerV2 in the original). */
  sigmoidHead: boolean;
  /** `"raw"`: average the raw outputs (logits or probabilities, §7 B12 faithful); `"prob"`: σ. */
  average: "raw" | "prob";
};

/** Averaged scores of one split (row-major N×14), per-class AUROC and their mean. */
export type CxrScores = { scores: Float32Array; perClass: number[]; mean: number };

/**
 * One split's evaluation. `raw`: the raw outputs averaged over crops (logits, or σ for a
 * Sigmoid-headed model — the original, §7 B12); `prob`: σ-probabilities averaged (corrected).
 */
export type CxrEval = { ids: string[]; labels: Float32Array; raw: CxrScores; prob: CxrScores };

/**
 * Predict a split with test-time cropping (`[B, 10, C, C, 3]` → one batch of 10·B crops, as the
 * original) and average per image both ways; then per-class AUROC and the unweighted mean (§5).
 *
 * @example
 * ```ts ignore
 * const r = await evaluateSplit(model, data, "test", { tta: "tencrop", batch: 16, sigmoidHead: false });
 * console.log(r.raw.mean, r.prob.perClass);
 * ```
 */
export async function evaluateSplit(
  model: tf.LayersModel,
  data: CxrData,
  split: CxrSplit,
  o: { tta: "tencrop" | "center"; batch: number; sigmoidHead: boolean },
): Promise<CxrEval> {
  const ds = cxrDataset(data, split, { train: false, tta: o.tta });
  const loader = new DataLoader(ds, { batchSize: o.batch, shuffle: false, seed: 0 });
  const L = CXR_LABELS.length;
  const n = ds.length;
  const raw = new Float32Array(n * L), prob = new Float32Array(n * L);
  const labels = new Float32Array(n * L);
  const ids: string[] = [];
  for await (const b of loader.arrays()) {
    const B = b.ids.length;
    const k = o.tta === "tencrop" ? 10 : 1;
    const [r, p] = tf.tidy(() => {
      const x = tf.tensor(b.image, [B * k, ...b.shape.slice(-3)]);
      const out = model.predict(x) as tf.Tensor | tf.Tensor[];
      const z = (Array.isArray(out) ? out[0] : out) as tf.Tensor2D;
      const s = tf.sigmoid(z);
      const avg = (t: tf.Tensor) => tf.mean(tf.reshape(t, [B, k, L]), 1);
      return [avg(o.sigmoidHead ? s : z), avg(s)];
    });
    raw.set(await r.data() as Float32Array, ids.length * L);
    prob.set(await p.data() as Float32Array, ids.length * L);
    tf.dispose([r, p]);
    labels.set(b.label, ids.length * L);
    ids.push(...b.ids);
  }
  const score = (s: Float32Array): CxrScores => ({ scores: s, ...multiLabelAuroc(s, labels, L) });
  return { ids, labels, raw: score(raw), prob: score(prob) };
}

/**
 * The first `n` images of a split as a `[W, H, n]` stack (first axis fastest, grey channel) for
 * lib/plots `sliceViewer`, with one caption per image (name and findings).
 *
 * @example
 * ```ts ignore
 * const m = await sampleStack(data, "train", 8);
 * await display(sliceViewer({ image: m.image, shape: m.shape }));
 * ```
 */
export async function sampleStack(
  data: CxrData,
  split: CxrSplit,
  n: number,
): Promise<{ image: Float32Array; shape: number[]; captions: string[] }> {
  const entries = data.lists[split].slice(0, n);
  const imgs = await Promise.all(entries.map((e) => data.image(e.name)));
  const [H, W] = imgs[0].shape;
  const image = new Float32Array(W * H * imgs.length);
  imgs.forEach((im, k) => {
    for (let i = 0; i < W * H; i++) image[k * W * H + i] = im.data[3 * i];
  });
  const captions = entries.map((e) => {
    const f = CXR_LABELS.filter((_, c) => e.labels![c] === 1);
    return `${e.name}: ${f.length ? f.join(", ") : "No Finding"}`;
  });
  return { image, shape: [W, H, imgs.length], captions };
}
