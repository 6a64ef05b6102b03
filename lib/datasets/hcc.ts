/**
 * HCC-MVI (MD-Net, spec 01 §2): the cached `hcc_3d_all_nnnm` loader. Cases are
 * `<data_dir>/hbp/<P>_hbp.npy` (+ `<P>_hbp_mask.npy`) and `<data_dir>/pre/<P>_pre.npy`, arrays
 * (1, X, Y, Z); labels and folds from `<label_dir>/new_label.csv`; the 52-value clinical vector
 * from `<label_dir>/cdata.csv`. Load-time crop (72×72×20, centre indices swapped as the
 * original), peritumoural map from the dilated mask; per-sample flips, torchio-style affine,
 * Z flip and random crop (train) or centre crop (validation); label-smoothed 3-class target.
 * @module
 */
import { join } from "node:path";
import type { Rng } from "../random/mod.ts";
import { centerCrop, randomCrop } from "./augment.ts";
import { randomAffineTorchio } from "./augment_3d.ts";
import { asFloat32, listDir, readNpyFile } from "./files.ts";
import { crop, flip, type Nd, stackLast } from "./nd.ts";
import { readRows } from "./tables.ts";
import { DatasetError, type Sample } from "./types.ts";

/**
 * Case ID from a file name (spec 01 §2.1): 3rd `_` token, or the `ZS…` token without `ZS`.
 *
 * @example
 * ```ts
 * import { hccCaseId } from "./hcc.ts";
 * if (hccCaseId("HCC_001_ZS100001_hbp.npy") !== "100001" || hccCaseId("a_b_c_hbp.npy") !== "c") throw new Error();
 * ```
 */
export function hccCaseId(fileName: string): string {
  const t = fileName.split("_").slice(0, 3);
  const zs = t.find((x) => x.startsWith("ZS"));
  return zs ? zs.slice(2) : (t[2] ?? "");
}

/**
 * `new_label.csv` rows: ZS id → (label, fold); rows whose first cell is `Name` are skipped.
 *
 * @example
 * ```ts ignore
 * const labels = await readHccLabels("data/hcc/labels/new_label.csv"); // ZS id → { label, fold }
 * ```
 */
export async function readHccLabels(
  path: string,
): Promise<Map<string, { label: number; fold: number }>> {
  const out = new Map<string, { label: number; fold: number }>();
  for (const [i, r] of (await readRows(path)).entries()) {
    if (r[0] === "Name") continue;
    const label = Number.parseInt(r[2] ?? "", 10), fold = Number.parseInt(r[3] ?? "", 10);
    if (!(label >= 0 && label <= 2) || !Number.isInteger(fold)) {
      throw new DatasetError(
        path,
        `row ${i + 1}: expected label 0..2 and an integer fold, got ${r.join(",")}`,
      );
    }
    out.set(String(r[1]).trim(), { label, fold });
  }
  return out;
}

/**
 * `cdata.csv`: skip row 0; letters A–D → 1–4, blank → 0; columns 3…54 keyed by str(int(col 1)).
 *
 * @example
 * ```ts ignore
 * const clin = await readHccClinical("data/hcc/labels/cdata.csv"); // id → Float32Array(52)
 * ```
 */
export async function readHccClinical(
  path: string,
  width = 52,
): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  const rows = await readRows(path);
  for (const [i, r] of rows.slice(1).entries()) {
    const key = String(Math.trunc(Number(r[1])));
    const v = new Float32Array(width);
    for (let c = 0; c < width; c++) {
      const cell = (r[3 + c] ?? "").trim();
      const letter = "ABCD".indexOf(cell);
      v[c] = cell === "" ? 0 : cell.length === 1 && letter >= 0 ? letter + 1 : Number(cell);
      if (Number.isNaN(v[c])) {
        throw new DatasetError(
          path,
          `row ${i + 2}, column ${4 + c}: "${cell}" is not a number or A–D`,
        );
      }
    }
    out.set(key, v);
  }
  return out;
}

/**
 * Binary dilation with the 3×3×3 18-connected element (scipy `generate_binary_structure(3, 2)`).
 *
 * @example
 * ```ts
 * import { dilate18 } from "./hcc.ts";
 * const m = { data: Float32Array.from({ length: 27 }, (_, i) => (i === 13 ? 1 : 0)), shape: [3, 3, 3] };
 * if (dilate18(m, 1).data.reduce((a, b) => a + b, 0) !== 19) throw new Error(); // no corners
 * ```
 */
export function dilate18(mask: Nd, iterations: number): Nd {
  const [a, b, c] = mask.shape;
  let cur = Float32Array.from(mask.data, (v) => (v ? 1 : 0));
  const offs: number[][] = [];
  for (let i = -1; i <= 1; i++) {
    for (let j = -1; j <= 1; j++) {
      for (let k = -1; k <= 1; k++) {
        if (Math.abs(i) + Math.abs(j) + Math.abs(k) <= 2) offs.push([i, j, k]);
      }
    }
  }
  for (let it = 0; it < iterations; it++) {
    const next = new Float32Array(cur.length);
    for (let x = 0; x < a; x++) {
      for (let y = 0; y < b; y++) {
        for (let z = 0; z < c; z++) {
          for (const [i, j, k] of offs) {
            const xx = x + i, yy = y + j, zz = z + k;
            if (
              xx >= 0 && xx < a && yy >= 0 && yy < b && zz >= 0 && zz < c &&
              cur[(xx * b + yy) * c + zz]
            ) {
              next[(x * b + y) * c + z] = 1;
              break;
            }
          }
        }
      }
    }
    cur = next;
  }
  return { data: cur, shape: mask.shape.slice() };
}

/** Settings (paper defaults; demo: loadCrop 20³, netCrop 16³, dilations 4). */
export type HccOptions = {
  dataDir: string;
  labelDir: string;
  validFold?: number;
  sequences?: string[];
  loadCrop?: [number, number, number];
  dilations?: number;
  clinicalFile?: string;
  /** Optional per-volume z-score (spec 01 §8 item 15; default off, as the original). */
  zscore?: boolean;
  /** Throw on unreadable / too small cases (default) or skip them, listing why. */
  strict?: boolean;
};

/** One loaded lesion: crops `[X, Y, Z, C]`, peritumoural map `[X, Y, Z]`, label, clinical. */
export type HccCase = {
  id: string;
  prefix: string;
  label: number;
  fold: number;
  image: Nd;
  map: Nd;
  clinical: Float32Array;
};

/**
 * Discover, read and crop every case; split by `fold == validFold`.
 *
 * @example
 * ```ts ignore
 * const { train, valid } = await loadHccCases({ dataDir: "data/hcc", labelDir: "data/hcc/labels",
 *   loadCrop: [20, 20, 20], dilations: 4 });
 * ```
 */
export async function loadHccCases(o: HccOptions) {
  const seqs = o.sequences ?? ["hbp", "pre"];
  const [c0, c1, cz] = o.loadCrop ?? [72, 72, 20];
  const labels = await readHccLabels(join(o.labelDir, "new_label.csv"));
  const clinical = await readHccClinical(join(o.labelDir, o.clinicalFile ?? "cdata.csv"));
  const train: HccCase[] = [],
    valid: HccCase[] = [],
    skipped: { file: string; problem: string }[] = [];
  for (const f of await listDir(join(o.dataDir, "hbp"), /hbp\.npy$/, "file")) {
    const prefix = f.slice(0, -8), id = hccCaseId(f);
    const lab = labels.get(id);
    if (!lab) continue; // not in this label table (as the original)
    try {
      const vols: Nd[] = [];
      for (const s of seqs) {
        const a = await readNpyFile(join(o.dataDir, s, `${prefix}_${s}.npy`));
        vols.push(
          volume(a.shape, asFloat32(a), join(o.dataDir, s, `${prefix}_${s}.npy`), o.zscore),
        );
      }
      const mp = join(o.dataDir, "hbp", `${prefix}_hbp_mask.npy`);
      const m = await readNpyFile(mp);
      const mask = volume(m.shape, asFloat32(m), mp, false);
      for (const v of [...vols.slice(1), mask]) {
        if (v.shape.join() !== vols[0].shape.join()) {
          throw new DatasetError(mp, `shape [${v.shape}] differs from hbp [${vols[0].shape}]`);
        }
      }
      const [X, Y, Z] = vols[0].shape;
      // the original slices dim0 around shape[1]/2 and dim1 around shape[0]/2 (§8 item 11)
      const start = [
        Math.trunc(Y / 2) - c0 / 2,
        Math.trunc(X / 2) - c1 / 2,
        Math.trunc(Z / 2) - cz / 2,
      ];
      if (start.some((s) => s < 0) || start[0] + c0 > X || start[1] + c1 > Y || start[2] + cz > Z) {
        throw new DatasetError(
          join(o.dataDir, "hbp", f),
          `volume [${X},${Y},${Z}] too small for the ${c0}×${c1}×${cz} crop`,
        );
      }
      const cr = (v: Nd) => crop(v, start, [c0, c1, cz]);
      const mk = cr(mask);
      const dil = dilate18(mk, o.dilations ?? 20);
      const map = {
        data: dil.data.map((d, i) => (d - mk.data[i]) * 1.5 + mk.data[i]),
        shape: mk.shape,
      };
      const cl = clinical.get(id);
      if (!cl) {
        throw new DatasetError(
          join(o.labelDir, o.clinicalFile ?? "cdata.csv"),
          `no clinical row for ID ${id}`,
        );
      }
      const c: HccCase = { id, prefix, ...lab, image: stackLast(vols.map(cr)), map, clinical: cl };
      (lab.fold === (o.validFold ?? 0) ? valid : train).push(c);
    } catch (e) {
      if (o.strict !== false || !(e instanceof DatasetError)) throw e;
      skipped.push({ file: e.file, problem: e.problem });
    }
  }
  return { train, valid, skipped };
}

function volume(shape: number[], data: Float32Array, file: string, z?: boolean): Nd {
  if (shape.length !== 4 || shape[0] < 1) {
    throw new DatasetError(file, `shape [${shape}], expected (1, X, Y, Z)`);
  }
  const n = shape[1] * shape[2] * shape[3];
  const d = data.slice(0, n);
  if (z) {
    let s = 0, q = 0;
    for (const v of d) s += v;
    const m = s / n;
    for (const v of d) q += (v - m) ** 2;
    const sd = Math.sqrt(q / n) || 1;
    for (let i = 0; i < n; i++) d[i] = (d[i] - m) / sd;
  }
  return { data: d, shape: shape.slice(1) };
}

/** Per-sample options: network crop (paper 64×64×16, demo 16³) and the §8 item 13 flags. */
export type HccSampleOptions = {
  train: boolean;
  netCrop?: [number, number, number];
  affine?: boolean;
  zFlipTrain?: boolean;
};

/**
 * The per-sample transform of spec 01 §2.3 as a {@link Dataset} over loaded cases.
 *
 * @example
 * ```ts
 * import { createRng } from "../random/mod.ts";
 * import { hccDataset } from "./hcc.ts";
 * const c = { id: "1", prefix: "P", label: 2, fold: 0, clinical: new Float32Array(52),
 *   image: { data: new Float32Array(6 * 6 * 6 * 2), shape: [6, 6, 6, 2] },
 *   map: { data: new Float32Array(6 * 6 * 6), shape: [6, 6, 6] } };
 * const s = hccDataset([c], { train: true, netCrop: [4, 4, 4] }).get(0, createRng(0));
 * if (s.shape.join() !== "4,4,4,2" || Math.abs(s.label[2] - 0.933) > 1e-6) throw new Error();
 * ```
 */
export function hccDataset(cases: readonly HccCase[], o: HccSampleOptions) {
  const size = o.netCrop ?? [64, 64, 16];
  return {
    cases,
    length: cases.length,
    get(i: number, rng: Rng): Sample {
      const c = cases[i];
      let img = c.image, map: Nd = { data: c.map.data, shape: [...c.map.shape, 1] };
      if (o.train) {
        const axes = rng.random() < 0.25
          ? [1]
          : rng.random() < 0.25
          ? [0]
          : rng.random() < 0.25
          ? [0, 1]
          : [];
        if (axes.length) (img = flip(img, axes), map = flip(map, axes));
        if (o.affine !== false) {
          img = randomAffineTorchio(img, rng);
          map = randomAffineTorchio(map, rng); // a fresh draw, as the original
        }
        if (o.zFlipTrain !== false) (img = flip(img, [2]), map = flip(map, [2]));
        [img, map] = randomCrop([img, map], size, rng).arrays;
      } else {
        img = centerCrop(img, size);
        map = centerCrop(map, size);
      }
      const target = Float32Array.from([0, 1, 2], (k) => (k === c.label ? 0.933 : 0.033));
      const map2 = stackLast([{ data: map.data, shape: size }, { data: map.data, shape: size }]);
      return {
        id: c.id,
        image: img.data,
        shape: img.shape,
        label: target,
        labelShape: [3],
        extra: {
          map: map2,
          clinical: { data: c.clinical, shape: [c.clinical.length] },
          classIndex: { data: Float32Array.of(c.label), shape: [1] },
        },
      };
    },
  };
}
