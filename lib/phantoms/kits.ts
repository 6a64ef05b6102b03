/**
 * KiTS19 phantom (spec 02 §2.1, §11.1): `case_XXXXX/imaging.nii.gz` (int16 HU) +
 * `segmentation.nii.gz` (uint8: 0 background, 1 kidney, 2 tumour), `kits.json`, and copies of the
 * case folders in `train_cases/` and `test_cases/` (the original's folder moves).
 * Arrays are stored (slices, rows, cols) with the slice axis first, spacing 3.0 × 0.8 × 0.8 mm.
 * @module
 */
import { createRng } from "../random/mod.ts";
import type { Volume } from "../volume/types.ts";
import {
  ctCanvas,
  type Ellipsoid,
  finishHu,
  paintBody,
  paintEllipsoid,
  scaled,
  slicesWithLabel,
} from "./ct.ts";
import { checkCount, diagAffine, pad } from "./draw.ts";
import { writeNifti } from "../io/nifti.ts";
import { FileLog, type PhantomOptions, type PhantomResult } from "./options.ts";

/** One generated KiTS case. */
export type KitsCase = {
  /** `case_00000` … */
  caseId: string;
  /** int16 HU, shape [slices, rows, cols]. */
  imaging: Volume;
  /** uint8 labels 0/1/2, same grid. */
  segmentation: Volume;
  /** Number of tumours painted (1 or 2). */
  tumours: number;
};

/** Grid options; coordinates of the spec's 24×128×128 design scale with the grid. */
export type KitsGrid = { slices: number; rows: number; cols: number; spacing: number[] };

/** The spec's demo design: 6 cases (4 train, 2 test) of 24×128×128 at 3.0×0.8×0.8 mm. */
export const KITS_DEMO: { cases: number } & KitsGrid = {
  cases: 6,
  slices: 24,
  rows: 128,
  cols: 128,
  spacing: [3.0, 0.8, 0.8],
};

/** HU values painted by the KiTS phantom (before noise). */
export const KITS_HU = {
  air: -1000,
  fat: -100,
  soft: 40,
  bone: 700,
  perirenalFat: -90,
  kidney: 180,
  medulla: 130,
  tumour: 80,
};

/**
 * Generate case `index` of the KiTS phantom. The case depends only on (seed, index, grid).
 *
 * @example
 * ```ts
 * import { kitsCase } from "./kits.ts";
 * const c = kitsCase(0, 3, { slices: 12, rows: 48, cols: 48, spacing: [3, 0.8, 0.8] });
 * if (c.caseId !== "case_00003" || c.imaging.shape.join() !== "12,48,48") throw new Error();
 * if (!c.segmentation.data.includes(2)) throw new Error("no tumour");
 * ```
 */
export function kitsCase(seed: number, index: number, grid: KitsGrid = KITS_DEMO): KitsCase {
  const { slices, rows, cols } = grid;
  const rng = createRng(seed).fork(`kits-case-${index}`);
  const sz = slices / 24, sy = rows / 128, sx = cols / 128;
  const c = ctCanvas(slices, rows, cols);
  const body = paintBody(c, rng);
  const kidneys: Ellipsoid[] = [34, 94].map((x0) => {
    const zc = 12 + rng.uniform(-2, 2);
    return {
      z: zc * sz,
      y: (78 + rng.uniform(-3, 3)) * sy,
      x: (x0 + rng.uniform(-3, 3)) * sx,
      az: 4 * rng.uniform(0.9, 1.1) * sz,
      ay: 12 * rng.uniform(0.9, 1.1) * sy,
      ax: 9 * rng.uniform(0.9, 1.1) * sx,
    };
  });
  for (const k of kidneys) {
    paintEllipsoid(c, scaled(k, 1.4), KITS_HU.perirenalFat, 0);
    paintEllipsoid(c, k, KITS_HU.kidney, 1);
    paintEllipsoid(c, scaled(k, 0.5), KITS_HU.medulla, 1);
  }
  const tumours = rng.bernoulli(0.3) ? 2 : 1;
  for (let t = 0; t < tumours; t++) paintTumour(c, kidneys[rng.int(0, 2)], rng, sz, sy, sx);
  const spacing = grid.spacing;
  const shape = [slices, rows, cols];
  return {
    caseId: `case_${pad(index, 5)}`,
    imaging: { data: finishHu(c, body, rng), shape, spacing, affine: diagAffine(spacing) },
    segmentation: { data: c.label, shape: [...shape], spacing, affine: diagAffine(spacing) },
    tumours,
  };
}

/** Paint one tumour near the rim of `kid`, redrawn until it spans ≥ 5 slices (≥ 2 if tiny). */
function paintTumour(
  c: ReturnType<typeof ctCanvas>,
  kid: Ellipsoid,
  rng: ReturnType<typeof createRng>,
  sz: number,
  sy: number,
  sx: number,
) {
  const minSlices = Math.max(2, Math.round(5 * sz));
  for (let attempt = 0; attempt < 50; attempt++) {
    const th = rng.uniform(0, 2 * Math.PI);
    const cy = Math.sin(th), cx = Math.cos(th);
    // radius of the kidney ellipse along direction (cy, cx)
    const rk = 1 / Math.sqrt((cy / kid.ay) ** 2 + (cx / kid.ax) ** 2);
    const r = rng.uniform(4, 8);
    const e: Ellipsoid = {
      z: kid.z + rng.uniform(-2, 2) * sz,
      y: kid.y + 0.8 * rk * cy,
      x: kid.x + 0.8 * rk * cx,
      az: rng.uniform(3, 5) * sz,
      ay: r * sy,
      ax: r * sx,
    };
    const trial = { ...c, label: c.label.slice(), hu: c.hu.slice() };
    paintEllipsoid(trial, e, () => KITS_HU.tumour + rng.normal(0, 15), 3);
    if (slicesWithLabel(trial, 3) >= minSlices || attempt === 49) {
      for (let i = 0; i < trial.label.length; i++) if (trial.label[i] === 3) trial.label[i] = 2;
      c.label.set(trial.label);
      c.hu.set(trial.hu);
      return;
    }
  }
}

/** Names of the train and test cases: the last third (at least one) are test cases. */
export function kitsSplit(cases: number): { train: number[]; test: number[] } {
  checkCount(cases, "kits cases");
  const nTest = cases === 1 ? 0 : Math.max(1, Math.round(cases / 3));
  const all = Array.from({ length: cases }, (_, i) => i);
  return { train: all.slice(0, cases - nTest), test: all.slice(cases - nTest) };
}

/** The `kits.json` content: one `{case_id, synthetic}` record per case. */
export function kitsJson(cases: number): string {
  const recs = Array.from({ length: cases }, (_, i) => ({
    case_id: `case_${pad(i, 5)}`,
    synthetic: true,
  }));
  return JSON.stringify(recs, null, 2) + "\n";
}

/**
 * Write the KiTS phantom under `dir`: `case_XXXXX/{imaging,segmentation}.nii.gz`, `kits.json`,
 * and copies of the case folders in `train_cases/` and `test_cases/`.
 *
 * @example
 * ```ts
 * import { writeKits } from "./kits.ts";
 * const dir = await Deno.makeTempDir();
 * const grid = { slices: 6, rows: 32, cols: 32, spacing: [3, 0.8, 0.8] };
 * const r = await writeKits(dir, { cases: 2, grid });
 * if (!r.files.includes("case_00001/segmentation.nii.gz")) throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeKits(
  dir: string,
  opts: PhantomOptions & { grid?: KitsGrid } = {},
): Promise<PhantomResult> {
  const cases = checkCount(opts.cases ?? KITS_DEMO.cases, "kits cases");
  const seed = opts.seed ?? 0;
  const log = new FileLog(dir);
  const split = kitsSplit(cases);
  for (let i = 0; i < cases; i++) {
    const c = kitsCase(seed, i, opts.grid ?? KITS_DEMO);
    const img = `${c.caseId}/imaging.nii.gz`, seg = `${c.caseId}/segmentation.nii.gz`;
    await writeNifti(await log.path(img), c.imaging, { description: "medkd kits phantom" });
    await writeNifti(await log.path(seg), c.segmentation, { description: "medkd kits phantom" });
    const sub = split.test.includes(i) ? "test_cases" : "train_cases";
    await log.copy(img, `${sub}/${img}`);
    await log.copy(seg, `${sub}/${seg}`);
    opts.onCase?.({ done: i + 1, total: cases, name: c.caseId });
  }
  await log.text("kits.json", kitsJson(cases));
  return log.result(cases);
}
