/**
 * HCC-MVI phantom (spec 01 §2.1, §9.1). Layout (data_dir = the output folder, label_dir =
 * `labels/`): `hbp/HCC_<nnn>_ZS<id>_hbp.npy`, `hbp/HCC_<nnn>_ZS<id>_hbp_mask.npy`,
 * `pre/HCC_<nnn>_ZS<id>_pre.npy` (NPY v1.0 `<f4`, C order, shape (1, 24, 24, 24), z-scored; the
 * mask 0/1), `labels/new_label.csv` (`Name,ZS,label,fold,remark`), `labels/cdata.csv`
 * (`Name,ID,Center,f0…f51`; letters A–D, 5 % blank cells) and `labels/seven_cdata.csv` (unused).
 * Classes M0/M1/M2 differ in lesion size, margin irregularity, texture, a hypointense HBP rim and
 * satellites; clinical features f1–f3 carry label information the images do not.
 * @module
 */
import { createRng, type Rng } from "../random/mod.ts";
import { checkCount, dilate3d, pad, smoothField, standardise } from "./draw.ts";
import { writeNpy } from "../io/npy.ts";
import { writeCsv } from "../io/csv.ts";
import { FileLog, type PhantomOptions, type PhantomResult } from "./options.ts";

/** Demo design: 40 cases of 24³, classes 16/12/12, 5 folds. */
export const HCC_DEMO = { cases: 40, size: 24, folds: 5 };

/** One case: ids, class, fold-independent arrays (C order, X slowest … Z fastest) and clinical row. */
export type HccCase = {
  /** `HCC_001_ZS100001` (file prefix). */
  prefix: string;
  name: string;
  id: string;
  label: 0 | 1 | 2;
  size: number;
  hbp: Float32Array;
  pre: Float32Array;
  mask: Float32Array;
  rim: boolean;
  /** 52 clinical cells: numbers, letters A–D, or "" (blank). */
  clinical: (number | string)[];
  /** 7 cells of the unused second table. */
  seven: (number | string)[];
  center: string;
};

const CLASS_PATTERN = [0, 1, 2, 0, 1, 2, 0, 0, 1, 2] as const; // 4/3/3 per 10 → 16/12/12 of 40
const LETTERS = ["A", "B", "C", "D"];

/** Class of case `index` (a fixed pattern, so a case's class does not depend on the count). */
export function hccClass(index: number): 0 | 1 | 2 {
  return CLASS_PATTERN[index % CLASS_PATTERN.length];
}

/**
 * Generate case `index` (0-based; `HCC_<index+1>`, ID 100001 + index).
 *
 * @example
 * ```ts
 * import { hccCase } from "./hcc.ts";
 * const c = hccCase(0, 0, 24);
 * if (c.prefix !== "HCC_001_ZS100001" || c.hbp.length !== 24 ** 3) throw new Error();
 * if (c.clinical.length !== 52) throw new Error();
 * ```
 */
export function hccCase(seed: number, index: number, size = HCC_DEMO.size): HccCase {
  const rng = createRng(seed).fork(`hcc-case-${index}`);
  const label = hccClass(index);
  const n = size ** 3;
  const s = size / 24;
  const c = [0, 1, 2].map(() => (size - 1) / 2 + rng.uniform(-1, 1) * s);
  const r0 = [rng.uniform(3, 4.5), rng.uniform(3.5, 5), rng.uniform(4, 5.5)][label] * s;
  const axes = [0, 1, 2].map(() => rng.uniform(0.85, 1.15));
  const amp = [0.05, 0.15, 0.25][label];
  const k = rng.bernoulli(0.5) ? 3 : 4;
  const ph = rng.uniform(0, 2 * Math.PI);
  const mask = new Uint8Array(n);
  const at = (x: number, y: number, z: number) => z + size * (y + size * x); // C order (X, Y, Z)
  for (let x = 0; x < size; x++) {
    for (let y = 0; y < size; y++) {
      for (let z = 0; z < size; z++) {
        const d = [(x - c[0]) / axes[0], (y - c[1]) / axes[1], (z - c[2]) / axes[2]];
        const rr = Math.hypot(d[0], d[1], d[2]);
        const th = Math.atan2(d[1], d[0]), phi = Math.acos(rr > 0 ? d[2] / rr : 1);
        if (rr <= r0 * (1 + amp * Math.sin(k * th + ph) * Math.cos(k * phi))) mask[at(x, y, z)] = 1;
      }
    }
  }
  if (label === 2 && rng.bernoulli(0.5)) {
    for (let t = rng.int(1, 3); t > 0; t--) {
      const dir = [rng.normal(), rng.normal(), rng.normal()];
      const len = Math.hypot(...dir) || 1;
      const dist = r0 + rng.uniform(2, 4) * s, rs = rng.uniform(1, 1.5) * s;
      const sc = dir.map((v, a) => c[a] + (v / len) * dist);
      for (let x = 0; x < size; x++) {
        for (let y = 0; y < size; y++) {
          for (let z = 0; z < size; z++) {
            if (Math.hypot(x - sc[0], y - sc[1], z - sc[2]) <= rs) mask[at(x, y, z)] = 1;
          }
        }
      }
    }
  }
  const rim = rng.bernoulli([0.1, 0.6, 0.9][label]);
  const ring = dilate3d(mask, [size, size, size], 2); // symmetric element: axis order irrelevant
  const drop = [0.15, 0.15, 0.3][label];
  const tex = [0.05, 0.1, 0.15][label];
  const paren = smoothField(rng, [size, size, size], 4);
  const hbp = new Float32Array(n), pre = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (mask[i]) {
      hbp[i] = 0.35 + rng.normal(0, tex);
      pre[i] = 0.6 + rng.normal(0, tex / 2);
    } else {
      hbp[i] = 1.0 + 0.1 * paren[i] - (rim && ring[i] ? drop : 0);
      pre[i] = 0.8 + 0.1 * paren[i];
    }
    hbp[i] += rng.normal(0, 0.08);
    pre[i] += rng.normal(0, 0.08);
  }
  standardise(hbp);
  standardise(pre);
  const name = `HCC_${pad(index + 1, 3)}`, id = String(100001 + index);
  return {
    prefix: `${name}_ZS${id}`,
    name,
    id,
    label,
    size,
    hbp,
    pre,
    mask: Float32Array.from(mask),
    rim,
    clinical: clinicalRow(rng, label, (2 * r0 * (axes[0] + axes[1] + axes[2])) / 3 / s, rim),
    seven: Array.from({ length: 7 }, () => round3(rng.normal())),
    center: rng.bernoulli(0.5) ? "C1" : "C2",
  };
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** The 52 clinical cells of spec 01 §9.1 (f0 diameter, f1 log-AFP, f2 PIVKA, f3/f4 letters…). */
function clinicalRow(rng: Rng, label: number, diameter: number, rim: boolean) {
  const f: (number | string)[] = [];
  f.push(round3(diameter * 0.4 + rng.normal(0, 0.3)));
  f.push(round3(rng.normal([1.0, 1.6, 2.2][label], 0.5)));
  f.push(round3(rng.normal([0, 0.5, 1.0][label], 0.6)));
  const w = [[0.5, 0.3, 0.15, 0.05], [0.15, 0.35, 0.35, 0.15], [0.05, 0.15, 0.3, 0.5]][label];
  f.push(rng.choice(LETTERS, 1, { replace: true, weights: w })[0]);
  f.push(rng.choice(LETTERS.slice(0, 3)));
  f.push((rim ? 1 : 0) ^ (rng.bernoulli(0.1) ? 1 : 0));
  for (let j = 6; j < 52; j++) {
    const kind = j % 3;
    f.push(
      kind === 0
        ? round3(rng.normal())
        : kind === 1
        ? (rng.bernoulli(0.3) ? 1 : 0)
        : rng.choice(LETTERS),
    );
  }
  return f.map((v) => (rng.bernoulli(0.05) ? "" : v));
}

/** Stratified round-robin folds: cases sorted by class, a running counter modulo `folds`. */
export function hccFolds(labels: number[], folds = HCC_DEMO.folds): number[] {
  checkCount(folds, "hcc folds", 1);
  const out = new Array<number>(labels.length);
  let counter = 0;
  for (const cls of [0, 1, 2]) {
    labels.forEach((l, i) => {
      if (l === cls) out[i] = counter++ % folds;
    });
  }
  return out;
}

/** `new_label.csv` rows (header first). */
export function hccLabelRows(cases: HccCase[], folds = HCC_DEMO.folds): string[][] {
  const f = hccFolds(cases.map((c) => c.label), folds);
  return [
    ["Name", "ZS", "label", "fold", "remark"],
    ...cases.map((c, i) => [c.name, c.id, String(c.label), String(f[i]), "synthetic"]),
  ];
}

/** `cdata.csv` rows: `Name, ID, Center, f0…f51`. */
export function hccClinicalRows(cases: HccCase[]): string[][] {
  return [
    ["Name", "ID", "Center", ...Array.from({ length: 52 }, (_, j) => `f${j}`)],
    ...cases.map((c) => [c.name, c.id, c.center, ...c.clinical.map(String)]),
  ];
}

/** `seven_cdata.csv` rows: `Name, ID, Center, g0…g6`. */
export function hccSevenRows(cases: HccCase[]): string[][] {
  return [
    ["Name", "ID", "Center", ...Array.from({ length: 7 }, (_, j) => `g${j}`)],
    ...cases.map((c) => [c.name, c.id, c.center, ...c.seven.map(String)]),
  ];
}

/**
 * Write the HCC phantom: `hbp/`, `pre/` (npy `<f4` (1, S, S, S)), `labels/new_label.csv`,
 * `labels/cdata.csv`, `labels/seven_cdata.csv`. Use `dir` as data_dir and `dir/labels` as
 * label_dir.
 *
 * @example
 * ```ts
 * import { writeHcc } from "./hcc.ts";
 * const dir = await Deno.makeTempDir();
 * const r = await writeHcc(dir, { cases: 2, size: 8 });
 * if (!r.files.includes("pre/HCC_002_ZS100002_pre.npy")) throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeHcc(
  dir: string,
  opts: PhantomOptions & { size?: number; folds?: number } = {},
): Promise<PhantomResult> {
  const n = checkCount(opts.cases ?? HCC_DEMO.cases, "hcc cases");
  const size = opts.size ?? HCC_DEMO.size;
  const log = new FileLog(dir);
  const all: HccCase[] = [];
  const shape = [1, size, size, size];
  for (let i = 0; i < n; i++) {
    const c = hccCase(opts.seed ?? 0, i, size);
    await writeNpy(await log.path(`hbp/${c.prefix}_hbp.npy`), { data: c.hbp, shape });
    await writeNpy(await log.path(`hbp/${c.prefix}_hbp_mask.npy`), { data: c.mask, shape });
    await writeNpy(await log.path(`pre/${c.prefix}_pre.npy`), { data: c.pre, shape });
    // keep only the table fields (the volumes are on disk)
    all.push({
      ...c,
      hbp: new Float32Array(0),
      pre: new Float32Array(0),
      mask: new Float32Array(0),
    });
    opts.onCase?.({ done: i + 1, total: n, name: c.prefix });
  }
  const tables = {
    "labels/new_label.csv": hccLabelRows(all, opts.folds),
    "labels/cdata.csv": hccClinicalRows(all),
    "labels/seven_cdata.csv": hccSevenRows(all),
  };
  for (const [rel, [header, ...rows]] of Object.entries(tables)) {
    await writeCsv(await log.path(rel), rows, header);
  }
  return log.result(n);
}
