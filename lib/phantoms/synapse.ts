/**
 * Synapse multi-organ phantom (spec 03 §2.1, §9.1): abdominal CT volumes with the 8 organ labels
 * (1 aorta, 2 gallbladder, 3 left kidney, 4 right kidney, 5 liver, 6 pancreas, 7 spleen,
 * 8 stomach), each with its own HU level and texture. Training volumes are written as per-slice
 * `train_npz/<case>_slice<NNN>.npz` (`image` float32 S×S in [0, 1], `label` uint8 S×S), test
 * volumes as `test_vol_h5/<case>.npy.h5` (`image` float32 D×S×S, `label` uint8 D×S×S), plus
 * `lists_Synapse/train.txt` (slice names) and `lists_Synapse/test_vol.txt` (case names).
 * Arrays are row-major (row = v, column = u), as NumPy stores them.
 * @module
 */
import { createRng } from "../random/mod.ts";
import { checkCount, pad } from "./draw.ts";
import { writeNpz } from "../io/npz.ts";
import { writeH5 } from "../io/h5.ts";
import { FileLog, type PhantomOptions, type PhantomResult } from "./options.ts";

/** TransUNet's 18 training case names (spec 03 §2.1). */
export const SYNAPSE_TRAIN_CASES = [
  5,
  6,
  7,
  9,
  10,
  21,
  23,
  24,
  26,
  27,
  28,
  30,
  31,
  33,
  34,
  37,
  39,
  40,
]
  .map((n) => `case${pad(n, 4)}`);
/** TransUNet's 12 test case names. */
export const SYNAPSE_TEST_CASES = [1, 2, 3, 4, 8, 22, 25, 29, 32, 35, 36, 38]
  .map((n) => `case${pad(n, 4)}`);

/** Organ names by label id (0 = background). */
export const SYNAPSE_CLASSES = [
  "background",
  "aorta",
  "gallbladder",
  "left_kidney",
  "right_kidney",
  "liver",
  "pancreas",
  "spleen",
  "stomach",
];

/** Demo design: 6 train + 3 test volumes of 24 slices of 96×96. */
export const SYNAPSE_DEMO = { cases: 9, depth: 24, size: 96 };

/** One phantom volume: image in [0, 1] and labels 0..8, both D×S×S row-major. */
export type SynapseVolume = {
  name: string;
  depth: number;
  size: number;
  image: Float32Array;
  label: Uint8Array;
};

type Organ = {
  id: number;
  c: [number, number];
  ax: [number, number];
  rot: number;
  cz: number;
  az: number; // Infinity = tube through all slices
};

// Table of spec 03 §9.1, in paint order (later wins).
const ORGANS: Organ[] = [
  { id: 5, c: [-0.35, -0.05], ax: [0.38, 0.35], rot: 0, cz: 0.30, az: 0.90 },
  { id: 7, c: [0.50, 0.20], ax: [0.14, 0.20], rot: 20, cz: 0.35, az: 0.50 },
  { id: 8, c: [0.30, -0.25], ax: [0.22, 0.16], rot: -15, cz: 0.30, az: 0.60 },
  { id: 3, c: [0.30, 0.35], ax: [0.10, 0.14], rot: 15, cz: -0.20, az: 0.45 },
  { id: 4, c: [-0.30, 0.35], ax: [0.10, 0.14], rot: -15, cz: -0.30, az: 0.45 },
  { id: 6, c: [0.05, 0.05], ax: [0.28, 0.06], rot: 15, cz: -0.05, az: 0.30 },
  { id: 2, c: [-0.20, -0.25], ax: [0.07, 0.10], rot: 0, cz: 0.00, az: 0.30 },
  { id: 1, c: [0.05, 0.28], ax: [0.06, 0.06], rot: 0, cz: 0, az: Infinity },
];

/**
 * Generate one volume. Its random stream is forked by `name`, so a volume does not depend on
 * how many others are generated.
 *
 * @example
 * ```ts
 * import { synapseVolume } from "./synapse.ts";
 * const v = synapseVolume(0, "case0005", 8, 32);
 * if (v.image.length !== 8 * 32 * 32 || Math.max(...v.label) > 8) throw new Error();
 * ```
 */
export function synapseVolume(
  seed: number,
  name: string,
  depth = SYNAPSE_DEMO.depth,
  size = SYNAPSE_DEMO.size,
): SynapseVolume {
  const rng = createRng(seed).fork(`synapse-${name}`);
  const scale = rng.uniform(0.9, 1.1);
  const shift = [rng.uniform(-0.05, 0.05), rng.uniform(-0.05, 0.05)];
  const grot = (rng.uniform(-10, 10) * Math.PI) / 180;
  const organs = ORGANS.map((o) => ({
    ...o,
    c: [o.c[0] + rng.uniform(-0.04, 0.04), o.c[1] + rng.uniform(-0.04, 0.04)],
    ax: [o.ax[0] * rng.uniform(0.9, 1.1), o.ax[1] * rng.uniform(0.9, 1.1)],
    cos: Math.cos((o.rot * Math.PI) / 180),
    sin: Math.sin((o.rot * Math.PI) / 180),
  }));
  const k1 = rng.uniform(2, 5), k2 = rng.uniform(2, 5);
  const p1 = rng.uniform(0, 2 * Math.PI), p2 = rng.uniform(0, 2 * Math.PI);
  const p3 = rng.uniform(0, 2 * Math.PI);
  const n = depth * size * size;
  const image = new Float32Array(n);
  const label = new Uint8Array(n);
  const gc = Math.cos(grot), gs = Math.sin(grot);
  for (let k = 0; k < depth; k++) {
    const t = depth > 1 ? (k - (depth - 1) / 2) / ((depth - 1) / 2) : 0;
    const sc = organs.map((o) => (o.az === Infinity ? 1 : 1 - ((t - o.cz) / o.az) ** 2));
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const u0 = (x + 0.5 - size / 2) / (size / 2) - shift[0];
        const v0 = (y + 0.5 - size / 2) / (size / 2) - shift[1];
        // canonical (atlas) coordinates: undo the global rotation and scale
        const u = (gc * u0 + gs * v0) / scale, v = (-gs * u0 + gc * v0) / scale;
        let hu: number;
        let lab = 0;
        const body = (u / 0.85) ** 2 + (v / 0.65) ** 2;
        if (body > 1) hu = -1000;
        else if ((u / 0.78) ** 2 + (v / 0.58) ** 2 > 1) hu = -100;
        else hu = 30;
        if (u * u + (v - 0.45) ** 2 <= 0.12 * 0.12) hu = 700;
        const field = 8 * Math.sin(k1 * Math.PI * u + p1) * Math.sin(k2 * Math.PI * v + p2);
        for (let oi = 0; oi < organs.length; oi++) {
          const o = organs[oi];
          if (sc[oi] <= 0) continue;
          const s = Math.sqrt(sc[oi]);
          const du = u - o.c[0], dv = v - o.c[1];
          const pu = o.cos * du + o.sin * dv, pv = -o.sin * du + o.cos * dv;
          const r2 = (pu / (o.ax[0] * s)) ** 2 + (pv / (o.ax[1] * s)) ** 2;
          if (r2 > 1) continue;
          lab = o.id;
          hu = organHu(o.id, r2, pu, u, v, field, p3);
        }
        const i = k * size * size + y * size + x;
        label[i] = lab;
        if (body <= 1) hu += rng.normal(0, 12);
        image[i] = (Math.max(-125, Math.min(275, hu)) + 125) / 400;
      }
    }
  }
  return { name, depth, size, image, label };
}

function organHu(id: number, r2: number, pu: number, u: number, v: number, f: number, p3: number) {
  switch (id) {
    case 5:
      return 100 + f;
    case 7:
      return 120 + f;
    case 8:
      if (r2 > 0.55) return 50;
      return Math.sin(9 * Math.PI * u + p3) * Math.sin(9 * Math.PI * v) > 0.6 ? -125 : -60;
    case 3:
    case 4:
      return r2 <= 0.36 ? 140 : 180;
    case 6:
      return 70 + 15 * Math.sign(Math.sin(12 * Math.PI * pu));
    case 2:
      return -10;
    default:
      return 250; // aorta
  }
}

/** Case names for `cases` volumes: one third (≥ 1) test, the rest train (real names reused). */
export function synapseSplit(cases: number): { train: string[]; test: string[] } {
  checkCount(cases, "synapse cases", 2, SYNAPSE_TRAIN_CASES.length + SYNAPSE_TEST_CASES.length);
  let nTest = Math.max(1, Math.round(cases / 3));
  nTest = Math.min(nTest, SYNAPSE_TEST_CASES.length);
  const nTrain = cases - nTest;
  if (nTrain > SYNAPSE_TRAIN_CASES.length) throw new RangeError("too many synapse cases");
  return { train: SYNAPSE_TRAIN_CASES.slice(0, nTrain), test: SYNAPSE_TEST_CASES.slice(0, nTest) };
}

/** Slice file stem: `case0005_slice007`. */
export function synapseSliceName(caseName: string, k: number): string {
  return `${caseName}_slice${pad(k, 3)}`;
}

/**
 * Write the Synapse phantom: `train_npz/<case>_sliceNNN.npz`, `test_vol_h5/<case>.npy.h5`,
 * `lists_Synapse/train.txt` and `lists_Synapse/test_vol.txt`.
 *
 * @example
 * ```ts
 * import { writeSynapse } from "./synapse.ts";
 * const dir = await Deno.makeTempDir();
 * const r = await writeSynapse(dir, { cases: 2, depth: 2, size: 16 });
 * if (!r.files.includes("test_vol_h5/case0001.npy.h5")) throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeSynapse(
  dir: string,
  opts: PhantomOptions & { depth?: number; size?: number } = {},
): Promise<PhantomResult> {
  const cases = opts.cases ?? SYNAPSE_DEMO.cases;
  const { train, test } = synapseSplit(cases);
  const depth = opts.depth ?? SYNAPSE_DEMO.depth, size = opts.size ?? SYNAPSE_DEMO.size;
  const seed = opts.seed ?? 0;
  const log = new FileLog(dir);
  const sliceNames: string[] = [];
  let done = 0;
  for (const name of train) {
    const v = synapseVolume(seed, name, depth, size);
    const px = size * size;
    for (let k = 0; k < depth; k++) {
      const stem = synapseSliceName(name, k);
      await writeNpz(await log.path(`train_npz/${stem}.npz`), {
        image: { data: v.image.slice(k * px, (k + 1) * px), shape: [size, size] },
        label: { data: v.label.slice(k * px, (k + 1) * px), shape: [size, size] },
      });
      sliceNames.push(stem);
    }
    opts.onCase?.({ done: ++done, total: cases, name });
  }
  for (const name of test) {
    const v = synapseVolume(seed, name, depth, size);
    await writeH5(await log.path(`test_vol_h5/${name}.npy.h5`), {
      image: { data: v.image, shape: [depth, size, size] },
      label: { data: v.label, shape: [depth, size, size] },
    });
    opts.onCase?.({ done: ++done, total: cases, name });
  }
  await log.text("lists_Synapse/train.txt", sliceNames.map((s) => s + "\n").join(""));
  await log.text("lists_Synapse/test_vol.txt", test.map((s) => s + "\n").join(""));
  return log.result(cases);
}
