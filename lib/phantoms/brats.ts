/**
 * BraTS2018 phantom (spec 05 §2.1–2.3, §10.1): per case `<ID>/<ID>_{flair,t1,t1ce,t2,seg}.nii`
 * (uncompressed, int16, identity affine, 1 mm) under `MICCAI_BraTS_2018_Data_Training/{HGG,LGG}/`
 * and `MICCAI_BraTS_2018_Data_Validation/` (with seg, so local Dice works), plus
 * `datalist/BraTS18/BraTS18_{train,val,train_all,test}.csv` (one case folder per line, relative
 * to the output root). Labels: 0 background, 1 necrosis/non-enhancing core, 2 oedema, 4 enhancing
 * tumour. Intensities make each region clearest in a different modality (ET t1ce, oedema flair,
 * necrosis t2; t1 weak everywhere).
 * @module
 */
import { createRng, type Rng } from "../random/mod.ts";
import type { Volume } from "../volume/types.ts";
import { checkCount, diagAffine, gaussianBlur3d, pad, smoothField } from "./draw.ts";
import { writeNifti } from "../io/nifti.ts";
import { FileLog, type PhantomOptions, type PhantomResult } from "./options.ts";

/** Modalities in the order the original stacks them. */
export const BRATS_MODALITIES = ["flair", "t1", "t1ce", "t2"] as const;
/** One of {@link BRATS_MODALITIES}. */
export type BratsModality = typeof BRATS_MODALITIES[number];

/** Demo design: 20 cases of 48×48×32 (x, y, z). */
export const BRATS_DEMO = { cases: 20, shape: [48, 48, 32] as [number, number, number] };

// tissue codes of the noiseless map
const BG = 0, WM = 1, GM = 2, CSF = 3, ED = 4, NEC = 5, ET = 6;
/** Mean intensity per tissue (rows BG, WM, GM, CSF, oedema, necrosis, ET) and modality. */
export const BRATS_MEANS: Record<BratsModality, number[]> = {
  flair: [0, 90, 110, 30, 200, 150, 170],
  t1: [0, 140, 110, 50, 100, 60, 105],
  t1ce: [0, 130, 105, 50, 115, 50, 230],
  t2: [0, 70, 100, 220, 170, 200, 150],
};
const TISSUE_LABEL = [0, 0, 0, 0, 2, 1, 4];

/** Where a case lives: training HGG / LGG or the validation set. */
export type BratsGroup = "HGG" | "LGG" | "Validation";

/** One generated case: four int16 modalities and the uint8 seg, all (x, y, z). */
export type BratsCase = {
  id: string;
  group: BratsGroup;
  hasEt: boolean;
  images: Record<BratsModality, Volume>;
  seg: Volume;
};

/** Case id of index i: `Brats18_SYN_0001_1` … */
export function bratsId(i: number): string {
  return `Brats18_SYN_${pad(i + 1, 4)}_1`;
}

/** Group of case i: pattern HGG, HGG, HGG, LGG, Validation (12 / 4 / 4 of 20). */
export function bratsGroup(i: number): BratsGroup {
  return (["HGG", "HGG", "HGG", "LGG", "Validation"] as const)[i % 5];
}

/**
 * Generate case `index` (depends only on seed, index and shape).
 *
 * @example
 * ```ts
 * import { bratsCase } from "./brats.ts";
 * const c = bratsCase(2023, 0, [24, 24, 16]);
 * if (c.images.t1ce.shape.join() !== "24,24,16" || !c.seg.data.includes(4)) throw new Error();
 * ```
 */
export function bratsCase(
  seed: number,
  index: number,
  shape: [number, number, number] = BRATS_DEMO.shape,
): BratsCase {
  const rng = createRng(seed).fork(`brats-case-${index}`);
  const group = bratsGroup(index);
  // LGG: no ET in 3 of 4 (the 4th, 8th… LGG case keeps it)
  const lggRank = Math.floor(index / 5);
  const hasEt = group !== "LGG" || lggRank % 4 === 3;
  const tissue = anatomy(rng, shape, hasEt);
  const n = tissue.length;
  const seg = new Uint8Array(n);
  for (let i = 0; i < n; i++) seg[i] = TISSUE_LABEL[tissue[i]];
  const images = {} as Record<BratsModality, Volume>;
  const scale = shape[0] / 48;
  for (const m of BRATS_MODALITIES) {
    const r = rng.fork(`modality-${m}`);
    const bias = smoothField(r, shape, Math.max(4, 16 * scale));
    const gain = r.uniform(0.9, 1.1);
    const clean = new Float32Array(n);
    for (let i = 0; i < n; i++) clean[i] = BRATS_MEANS[m][tissue[i]] * gain * (1 + 0.05 * bias[i]);
    const blurred = gaussianBlur3d(clean, shape, 1);
    const data = new Int16Array(n);
    for (let i = 0; i < n; i++) {
      if (tissue[i] === BG) continue;
      data[i] = Math.max(1, Math.round(blurred[i] + r.normal(0, 8)));
    }
    images[m] = vol(data, shape);
  }
  return { id: bratsId(index), group, hasEt, images, seg: vol(seg, shape) };
}

function vol(data: Int16Array | Uint8Array, shape: number[]): Volume {
  return { data, shape: [...shape], spacing: [1, 1, 1], affine: diagAffine([1, 1, 1]) };
}

/** Tissue code map: brain (WM/GM/CSF) and a tumour (oedema, core = necrosis + ET shell). */
function anatomy(rng: Rng, shape: number[], hasEt: boolean): Uint8Array {
  const [nx, ny, nz] = shape;
  const s = nx / 48;
  const c = [(nx - 1) / 2, (ny - 1) / 2, (nz - 1) / 2];
  const brainAx = [18 * s, 20 * s, 12 * (nz / 32)].map((a) => a * rng.uniform(0.9, 1.1));
  const edgeNoise = smoothField(rng, shape, Math.max(3, 8 * s));
  const coreNoise = smoothField(rng, shape, Math.max(2, 4 * s));
  const meanR = (brainAx[0] + brainAx[1] + brainAx[2]) / 3;
  const ventricles = [-1, 1].map((side) => ({
    c: [c[0] + side * 4 * s, c[1] + rng.uniform(-1, 1), c[2] + rng.uniform(-1, 1)],
    ax: [rng.uniform(2, 3) * s, rng.uniform(2, 3) * s, rng.uniform(2, 3) * s],
  }));
  const edAx = [rng.uniform(6, 9) * s, rng.uniform(6, 9) * s, rng.uniform(4, 6) * (nz / 32)];
  const tc = tumourCentre(rng, c, brainAx, edAx, 3 * s);
  const etThick = rng.uniform(1, 2) * s;
  const coreAx = edAx.map((a) => 0.5 * a);
  const innerAx = coreAx.map((a) => Math.max(0.5, a - etThick));
  const r = (x: number, y: number, z: number, cc: number[], ax: number[]) =>
    Math.sqrt(((x - cc[0]) / ax[0]) ** 2 + ((y - cc[1]) / ax[1]) ** 2 + ((z - cc[2]) / ax[2]) ** 2);
  const out = new Uint8Array(nx * ny * nz);
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const i = x + nx * (y + ny * z);
        const nb = r(x, y, z, c, brainAx);
        if (nb * meanR > meanR + 1.5 * edgeNoise[i]) continue;
        let t = nb < 0.6 ? WM : GM;
        for (const v of ventricles) if (r(x, y, z, v.c, v.ax) <= 1) t = CSF;
        const wob = 0.15 * coreNoise[i];
        if (r(x, y, z, tc, edAx) <= 1 + wob) t = ED;
        if (r(x, y, z, tc, coreAx) <= 1 + wob) {
          t = hasEt && r(x, y, z, tc, innerAx) > 1 + wob ? ET : NEC;
        }
        out[i] = t;
      }
    }
  }
  return out;
}

function tumourCentre(rng: Rng, c: number[], brain: number[], ed: number[], margin: number) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const p = c.map((v, a) => v + rng.uniform(-0.5, 0.5) * brain[a]);
    let ok = true;
    for (let k = 0; k < 26 && ok; k++) {
      const d = [(k % 3) - 1, (Math.floor(k / 3) % 3) - 1, Math.floor(k / 9) - 1];
      if (d.every((v) => v === 0)) continue;
      const len = Math.hypot(...d);
      const q = p.map((v, a) => v + (d[a] / len) * (ed[a] + margin));
      ok = Math.hypot(...q.map((v, a) => (v - c[a]) / brain[a])) < 1;
    }
    if (ok) return p;
  }
  return [...c];
}

/** The four datalists (lines relative to the output root) for `cases` cases. */
export function bratsDatalists(cases: number): Record<string, string[]> {
  checkCount(cases, "brats cases", 1);
  const path = (i: number) => {
    const g = bratsGroup(i);
    return g === "Validation"
      ? `MICCAI_BraTS_2018_Data_Validation/${bratsId(i)}`
      : `MICCAI_BraTS_2018_Data_Training/${g}/${bratsId(i)}`;
  };
  const train: string[] = [], val: string[] = [], all: string[] = [], test: string[] = [];
  const rank = { HGG: 0, LGG: 0 };
  for (let i = 0; i < cases; i++) {
    const g = bratsGroup(i);
    if (g === "Validation") {
      test.push(path(i));
      continue;
    }
    all.push(path(i));
    (rank[g]++ % 4 === 3 ? val : train).push(path(i));
  }
  return {
    "BraTS18_train.csv": train,
    "BraTS18_val.csv": val,
    "BraTS18_train_all.csv": all,
    "BraTS18_test.csv": test,
  };
}

/** Folder of a case relative to the output root. */
export function bratsCaseDir(c: { id: string; group: BratsGroup }): string {
  return c.group === "Validation"
    ? `MICCAI_BraTS_2018_Data_Validation/${c.id}`
    : `MICCAI_BraTS_2018_Data_Training/${c.group}/${c.id}`;
}

/**
 * Write the BraTS phantom under `dir` (case folders of `.nii` files + `datalist/BraTS18/*.csv`).
 *
 * @example
 * ```ts
 * import { writeBrats } from "./brats.ts";
 * const dir = await Deno.makeTempDir();
 * const r = await writeBrats(dir, { cases: 1, shape: [16, 16, 8] });
 * const f = "MICCAI_BraTS_2018_Data_Training/HGG/Brats18_SYN_0001_1/Brats18_SYN_0001_1_seg.nii";
 * if (!r.files.includes(f)) throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeBrats(
  dir: string,
  opts: PhantomOptions & { shape?: [number, number, number] } = {},
): Promise<PhantomResult> {
  const cases = checkCount(opts.cases ?? BRATS_DEMO.cases, "brats cases");
  const seed = opts.seed ?? 2023;
  const log = new FileLog(dir);
  for (let i = 0; i < cases; i++) {
    const c = bratsCase(seed, i, opts.shape ?? BRATS_DEMO.shape);
    const base = `${bratsCaseDir(c)}/${c.id}`;
    for (const m of BRATS_MODALITIES) {
      await writeNifti(await log.path(`${base}_${m}.nii`), c.images[m], { description: "medkd" });
    }
    await writeNifti(await log.path(`${base}_seg.nii`), c.seg, { description: "medkd" });
    opts.onCase?.({ done: i + 1, total: cases, name: c.id });
  }
  for (const [file, lines] of Object.entries(bratsDatalists(cases))) {
    await log.text(`datalist/BraTS18/${file}`, lines.map((l) => l + "\n").join(""));
  }
  return log.result(cases);
}
