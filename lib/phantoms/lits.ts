/**
 * LiTS phantom (spec 02 §2.1): a flat folder of `volume-<n>.nii` (int16 HU) and
 * `segmentation-<n>.nii` (uint8: 0 background, 1 liver, 2 tumour), uncompressed, stored
 * (rows, cols, slices) as LiTS is (the slicer transposes with (2, 0, 1)); plus copies in
 * `train_cases/` and `test_cases/` like the KiTS phantom. Spacing 0.8 × 0.8 × 3.0 mm.
 *
 * Design (on the 128×128×24 reference grid): body and spine as KiTS; a liver ellipsoid on the
 * image left (patient right) at 100 HU with a smooth ±5 HU texture; a spleen (110 HU) and two
 * kidneys (180 HU) as unlabelled distractors; 1–3 hypodense tumours (45 HU + N(0, 10)) inside
 * the liver, the first spanning ≥ 3 slices. Tumour vs liver contrast ≈ 55 HU (LiTS window −40…160).
 * @module
 */
import { createRng, type Rng } from "../random/mod.ts";
import type { Volume } from "../volume/types.ts";
import {
  type CtCanvas,
  ctCanvas,
  type Ellipsoid,
  ellipsoidR2,
  finishHu,
  paintBody,
  paintEllipsoid,
  slicesWithLabel,
} from "./ct.ts";
import { checkCount, diagAffine, smoothField } from "./draw.ts";
import { writeNifti } from "../io/nifti.ts";
import { FileLog, type PhantomOptions, type PhantomResult } from "./options.ts";
import { kitsSplit } from "./kits.ts";

/** One generated LiTS case. */
export type LitsCase = {
  /** Case number n of `volume-<n>.nii`. */
  n: number;
  /** int16 HU, shape [rows, cols, slices]. */
  volume: Volume;
  /** uint8 labels 0/1/2, same grid. */
  segmentation: Volume;
};

/** LiTS grid: (rows, cols, slices) on disk. */
export type LitsGrid = { slices: number; rows: number; cols: number; spacing: number[] };

/** Demo design: 6 cases (4 train, 2 test) of 128×128×24 at 0.8×0.8×3.0 mm. */
export const LITS_DEMO: { cases: number } & LitsGrid = {
  cases: 6,
  slices: 24,
  rows: 128,
  cols: 128,
  spacing: [0.8, 0.8, 3.0],
};

/** HU values of the LiTS phantom (before noise). */
export const LITS_HU = { liver: 100, tumour: 45, spleen: 110, kidney: 180 };

/**
 * Generate LiTS case `n` (depends only on seed, n and the grid).
 *
 * @example
 * ```ts
 * import { litsCase } from "./lits.ts";
 * const c = litsCase(0, 2, { slices: 12, rows: 48, cols: 48, spacing: [0.8, 0.8, 3] });
 * if (c.volume.shape.join() !== "48,48,12" || !c.segmentation.data.includes(2)) throw new Error();
 * ```
 */
export function litsCase(seed: number, n: number, grid: LitsGrid = LITS_DEMO): LitsCase {
  const { slices, rows, cols } = grid;
  const rng = createRng(seed).fork(`lits-case-${n}`);
  const sz = slices / 24, sy = rows / 128, sx = cols / 128;
  const c = ctCanvas(slices, rows, cols);
  const body = paintBody(c, rng);
  const j = (v: number, s: number, d = 3) => (v + rng.uniform(-d, d)) * s;
  const f = () => rng.uniform(0.9, 1.1);
  for (const x0 of [34, 94]) {
    const kid = {
      z: j(14, sz, 2),
      y: j(80, sy),
      x: j(x0, sx),
      az: 4 * f() * sz,
      ay: 11 * f() * sy,
    };
    paintEllipsoid(c, { ...kid, ax: 8 * f() * sx }, LITS_HU.kidney, 0);
  }
  const spleen = {
    z: j(9, sz, 2),
    y: j(60, sy),
    x: j(98, sx),
    az: 5 * f() * sz,
    ay: 14 * f() * sy,
  };
  paintEllipsoid(c, { ...spleen, ax: 10 * f() * sx }, LITS_HU.spleen, 0);
  const liver: Ellipsoid = {
    z: j(11, sz, 2),
    y: j(56, sy),
    x: j(44, sx),
    az: 9 * f() * sz,
    ay: 26 * f() * sy,
    ax: 30 * f() * sx,
  };
  const tex = smoothField(rng, [slices, rows, cols], Math.max(2, 8 * sy));
  paintEllipsoid(c, liver, (k, y, x) => LITS_HU.liver + 5 * tex[k + slices * (y + rows * x)], 1);
  const count = rng.int(1, 4);
  for (let t = 0; t < count; t++) paintLiverTumour(c, liver, rng, t === 0 ? 3 * sz : 1, sy, sx, sz);
  const hu = finishHu(c, body, rng);
  const shape = [rows, cols, slices];
  const spacing = grid.spacing;
  return {
    n,
    volume: { data: toRowsColsSlices(hu, c), shape, spacing, affine: diagAffine(spacing) },
    segmentation: {
      data: toRowsColsSlices(c.label, c),
      shape: [...shape],
      spacing,
      affine: diagAffine(spacing),
    },
  };
}

function paintLiverTumour(
  c: CtCanvas,
  liver: Ellipsoid,
  rng: Rng,
  minSlices: number,
  sy: number,
  sx: number,
  sz: number,
) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const r = rng.uniform(3, 7);
    const e: Ellipsoid = {
      z: liver.z + rng.uniform(-0.5, 0.5) * liver.az,
      y: liver.y + rng.uniform(-0.5, 0.5) * liver.ay,
      x: liver.x + rng.uniform(-0.5, 0.5) * liver.ax,
      az: rng.uniform(2, 4) * sz,
      ay: r * sy,
      ax: r * sx,
    };
    const trial = { ...c, label: c.label.slice(), hu: c.hu.slice() };
    paintEllipsoid(trial, e, (k, y, x) => {
      const i = k + c.slices * (y + c.rows * x);
      if (ellipsoidR2(liver, k, y, x) > 1) return trial.hu[i]; // stay inside the liver
      trial.label[i] = 3;
      return LITS_HU.tumour + rng.normal(0, 10);
    });
    if (slicesWithLabel(trial, 3) >= Math.max(1, Math.round(minSlices)) || attempt === 49) {
      for (let i = 0; i < trial.label.length; i++) if (trial.label[i] === 3) trial.label[i] = 2;
      c.label.set(trial.label);
      c.hu.set(trial.hu);
      return;
    }
  }
}

/** Reorder from the canvas's slice-fastest order to LiTS's (rows, cols, slices), rows fastest. */
function toRowsColsSlices<A extends Int16Array | Uint8Array>(src: A, c: CtCanvas): A {
  const out = new (src.constructor as { new (n: number): A })(src.length);
  const { slices, rows, cols } = c;
  for (let x = 0; x < cols; x++) {
    for (let y = 0; y < rows; y++) {
      for (let k = 0; k < slices; k++) {
        out[y + rows * (x + cols * k)] = src[k + slices * (y + rows * x)];
      }
    }
  }
  return out;
}

/** Train/test case numbers: the same rule as KiTS (last third are test cases). */
export const litsSplit = kitsSplit;

/**
 * Write the LiTS phantom under `dir`: `volume-<n>.nii` + `segmentation-<n>.nii` (uncompressed)
 * and copies in `train_cases/` and `test_cases/`.
 *
 * @example
 * ```ts
 * import { writeLits } from "./lits.ts";
 * const dir = await Deno.makeTempDir();
 * const grid = { slices: 6, rows: 32, cols: 32, spacing: [0.8, 0.8, 3] };
 * const r = await writeLits(dir, { cases: 2, grid });
 * if (!r.files.includes("segmentation-1.nii")) throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeLits(
  dir: string,
  opts: PhantomOptions & { grid?: LitsGrid } = {},
): Promise<PhantomResult> {
  const cases = checkCount(opts.cases ?? LITS_DEMO.cases, "lits cases");
  const seed = opts.seed ?? 0;
  const log = new FileLog(dir);
  const split = litsSplit(cases);
  for (let n = 0; n < cases; n++) {
    const c = litsCase(seed, n, opts.grid ?? LITS_DEMO);
    const vol = `volume-${n}.nii`, seg = `segmentation-${n}.nii`;
    await writeNifti(await log.path(vol), c.volume, { description: "medkd lits phantom" });
    await writeNifti(await log.path(seg), c.segmentation, { description: "medkd lits phantom" });
    const sub = split.test.includes(n) ? "test_cases" : "train_cases";
    await log.copy(vol, `${sub}/${vol}`);
    await log.copy(seg, `${sub}/${seg}`);
    opts.onCase?.({ done: n + 1, total: cases, name: `volume-${n}` });
  }
  return log.result(cases);
}
