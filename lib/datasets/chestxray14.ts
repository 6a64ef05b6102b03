/**
 * NIH ChestX-ray14 as the CXR8 distillation code reads it (spec 04 §2): `images-224/*.png`,
 * `labels/<list>.txt` (`name l0 … l13`, or names only), `Data_Entry_2017.csv`.
 *
 * Per image (torchvision on PIL images, so 8-bit rounding after each resize):
 * train: grey → RGB → resize to `resize`² → RandomResizedCrop `crop` (area U(minArea, 1), ratio
 * log-U(3/4, 4/3)) → horizontal flip p 0.5 → [0, 1] → ImageNet normalisation → `[C, C, 3]`;
 * test: resize → ten-crop (corners + centre, then mirrored) → normalise → `[10, C, C, 3]`
 * (batch → `[B, 10, C, C, 3]`; reshape to `[10·B, C, C, 3]` keeps the original's b-major order).
 * @module
 */
import { join } from "node:path";
import { readPng } from "../io/png.ts";
import type { Rng } from "../random/mod.ts";
import { centerCrop, normalizeChannels, quantize8, randomResizedCrop, tenCrop } from "./augment.ts";
import { readLines, requireFile } from "./files.ts";
import { readRows } from "./tables.ts";
import { flip, type Nd, resize } from "./nd.ts";
import { DatasetError, type Sample } from "./types.ts";

/** The 14 findings in label order. */
export const CXR_LABELS = [
  "Atelectasis",
  "Cardiomegaly",
  "Effusion",
  "Infiltration",
  "Mass",
  "Nodule",
  "Pneumonia",
  "Pneumothorax",
  "Consolidation",
  "Edema",
  "Emphysema",
  "Fibrosis",
  "Pleural_Thickening",
  "Hernia",
] as const;

/** ImageNet mean / std of torchvision's Normalize. */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
export const IMAGENET_STD = [0.229, 0.224, 0.225];

/** One list entry: file name and (for labelled lists) its 14 labels. */
export type CxrEntry = { name: string; labels?: number[] };

/**
 * Patient id of an image name `PPPPPPPP_FFF.png`.
 *
 * @example
 * ```ts
 * import { cxrPatientId } from "./chestxray14.ts";
 * if (cxrPatientId("00012345_002.png") !== "00012345") throw new Error();
 * ```
 */
export function cxrPatientId(name: string): string {
  return name.slice(0, name.indexOf("_") < 0 ? name.length : name.indexOf("_"));
}

/**
 * Read a list file: `name l0 … l13` (labelled) or `name` per line; anything else is an error.
 *
 * @example
 * ```ts ignore
 * const train = await readCxrList("data/cxr/labels/train_list_224.txt"); // [{ name, labels }]
 * ```
 */
export async function readCxrList(path: string): Promise<CxrEntry[]> {
  return (await readLines(path)).map((line, i) => {
    const t = line.split(/\s+/);
    if (t.length === 1) return { name: t[0] };
    const labels = t.slice(1).map(Number);
    if (labels.length !== 14 || labels.some((v) => v !== 0 && v !== 1)) {
      throw new DatasetError(
        path,
        `line ${i + 1}: expected a name and 14 labels 0/1, got "${line}"`,
      );
    }
    return { name: t[0], labels };
  });
}

/**
 * Labels of every image in `Data_Entry_2017.csv` (`Finding Labels` split on `|`).
 *
 * @example
 * ```ts ignore
 * const entries = await readDataEntry("data/cxr/Data_Entry_2017.csv");
 * ```
 */
export async function readDataEntry(
  path: string,
): Promise<Map<string, CxrEntry & { patientId: string }>> {
  const rows = await readRows(path);
  if (rows[0]?.[0] !== "Image Index" || rows[0]?.[1] !== "Finding Labels") {
    throw new DatasetError(
      path,
      `header "${rows[0]?.join(",") ?? ""}": expected "Image Index,Finding Labels,…"`,
    );
  }
  const out = new Map<string, CxrEntry & { patientId: string }>();
  for (const [i, [name, findings, , pid]] of rows.slice(1).entries()) {
    const labels = new Array(14).fill(0);
    for (const f of (findings ?? "").split("|")) {
      if (f === "No Finding") continue;
      const k = CXR_LABELS.indexOf(f as typeof CXR_LABELS[number]);
      if (k < 0) throw new DatasetError(path, `line ${i + 2}: unknown finding "${f}"`);
      labels[k] = 1;
    }
    out.set(name, { name, labels, patientId: pid ?? cxrPatientId(name) });
  }
  return out;
}

/**
 * Leakage guard: throw if a patient of `test` also appears in `train` (spec 04 §7 B4).
 *
 * @example
 * ```ts
 * import { assertPatientDisjoint } from "./chestxray14.ts";
 * assertPatientDisjoint([{ name: "00000001_000.png" }], [{ name: "00000002_000.png" }]);
 * let threw = false;
 * try { assertPatientDisjoint([{ name: "00000001_000.png" }], [{ name: "00000001_001.png" }]); } catch { threw = true; }
 * if (!threw) throw new Error("leak not caught");
 * ```
 */
export function assertPatientDisjoint(
  train: CxrEntry[],
  test: CxrEntry[],
  what = "test list",
): void {
  const seen = new Set(train.map((e) => cxrPatientId(e.name)));
  const shared = [...new Set(test.map((e) => cxrPatientId(e.name)))].filter((p) => seen.has(p));
  if (shared.length) {
    throw new DatasetError(
      what,
      `${shared.length} patient(s) also in training, e.g. ${shared.slice(0, 3).join(", ")}`,
    );
  }
}

/** Options of {@link openCxrDataset} (paper 256/224; demo 32/28). */
export type CxrOptions = {
  train: boolean;
  /** Image folder under the root (default `images-224`). */
  imageDir?: string;
  resize?: number;
  crop?: number;
  /** RandomResizedCrop minimum area fraction (0.08). */
  minArea?: number;
  /** Test-time cropping: ten-crop (default) or a single centre crop. */
  test?: "tencrop" | "center";
};

/**
 * Decode a PNG into an `[H, W, C]` array in [0, 1] with C = 3 (grey copied; alpha dropped).
 *
 * @example
 * ```ts ignore
 * const img = await readCxrImage("data/cxr/images-224/00000001_000.png"); // [64, 64, 3]
 * ```
 */
export async function readCxrImage(path: string): Promise<Nd> {
  await requireFile(path, "image");
  const p = await readPng(path);
  const max = p.bitDepth === 16 ? 65535 : 255;
  const n = p.width * p.height;
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      const src = p.channels >= 3 ? c : 0;
      out[3 * i + c] = p.data[i * p.channels + src] / max;
    }
  }
  return { data: out, shape: [p.height, p.width, 3] };
}

/**
 * The per-image pipeline on a decoded `[H, W, 3]` image.
 *
 * @example
 * ```ts
 * import { createRng } from "../random/mod.ts";
 * import { cxrTransform } from "./chestxray14.ts";
 * const img = { data: new Float32Array(40 * 40 * 3).fill(0.5), shape: [40, 40, 3] };
 * const x = cxrTransform(img, { train: false, resize: 32, crop: 28 }, createRng(0));
 * if (x.shape.join() !== "10,28,28,3") throw new Error();
 * ```
 */
export function cxrTransform(img: Nd, o: CxrOptions, rng: Rng): Nd {
  const R = o.resize ?? 256, C = o.crop ?? 224;
  const norm = (x: Nd) => normalizeChannels(x, IMAGENET_MEAN, IMAGENET_STD);
  const base = quantize8(resize(img, [R, R], "linear", { antialias: true }));
  if (o.train) {
    let x = randomResizedCrop(base, [C, C], rng, { scale: [o.minArea ?? 0.08, 1], quantize: true });
    if (rng.random() < 0.5) x = flip(x, [1]);
    return norm(x);
  }
  if (o.test === "center") return norm(centerCrop(base, [C, C]));
  const crops = tenCrop(base, [C, C]).map(norm);
  const out = new Float32Array(crops.length * crops[0].data.length);
  crops.forEach((c, i) => out.set(c.data, i * c.data.length));
  return { data: out, shape: [10, C, C, 3] };
}

/**
 * A labelled list as a {@link Dataset}: image per {@link cxrTransform}, label the 14-vector.
 *
 * @example
 * ```ts ignore
 * const ds = await openCxrDataset("data/cxr", "labels/train_list_224.txt", { train: true, resize: 32, crop: 28 });
 * ```
 */
export async function openCxrDataset(root: string, list: string, o: CxrOptions) {
  const entries = await readCxrList(join(root, list));
  const unl = entries.find((e) => !e.labels);
  if (unl) throw new DatasetError(join(root, list), `no labels for ${unl.name} (name-only list)`);
  return {
    entries,
    length: entries.length,
    async get(i: number, rng: Rng): Promise<Sample> {
      const e = entries[i];
      const x = cxrTransform(
        await readCxrImage(join(root, o.imageDir ?? "images-224", e.name)),
        o,
        rng,
      );
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
