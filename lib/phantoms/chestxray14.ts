/**
 * ChestX-ray14 phantom (spec 04 §2.1–2.2, §8.1). Layout under the output folder:
 * `images/PPPPPPPP_FFF.png` (8-bit greyscale) and an identical `images-224/` copy,
 * `Data_Entry_2017.csv` (NIH header with its trailing comma), NIH's `train_val_list.txt` /
 * `test_list.txt`, and `labels/` with `train_list_224.txt`, `val_list.txt`, `test_list_224.txt`
 * (`name l0 … l13`), `train_list.txt`, `test_list.txt` (names only, a second 77/23 patient split).
 * @module
 */
import { createRng, type Rng } from "../random/mod.ts";
import { CXR_LABELS } from "../datasets/chestxray14.ts";
import { checkCount, pad } from "./draw.ts";
import { writePng } from "../io/png.ts";
import { FileLog, type PhantomOptions, type PhantomResult } from "./options.ts";
import { type CxrAnatomy, type CxrSignatures, lungPoint, renderCxr } from "./cxr_render.ts";

/** The 14 findings in the label order of every list file (one list, shared with the loader). */
export const CXR_FINDINGS = CXR_LABELS;

/** Per-image prevalence (Pneumonia follows a rule instead, see spec 04 §8.1). */
const PREV = [0.1, 0.1, 0.12, 0.15, 0.08, 0.08, 0, 0.08, 0.08, 0.08, 0.08, 0.07, 0.07, 0.06];
/** Findings drawn per patient and kept on each follow-up with p 0.9. */
const CHRONIC = new Set([1, 10, 11, 12, 13]);

/** Demo design: 400 patients (≈1,200 images of 64×64). */
export const CXR_DEMO = { cases: 400, size: 64 };

/** One image: its pixels, labels and Data_Entry fields. */
export type CxrImage = {
  name: string;
  patientId: number;
  followUp: number;
  /** 14 zeros/ones in {@link CXR_FINDINGS} order. */
  labels: number[];
  age: number;
  gender: "M" | "F";
  view: "PA" | "AP";
  size: number;
  /** 8-bit greyscale, row-major. */
  pixels: Uint8Array;
};

/**
 * All follow-ups (1–5) of patient `index` (patient id index + 1). Depends only on seed, index, size.
 *
 * @example
 * ```ts
 * import { cxrPatient } from "./chestxray14.ts";
 * const imgs = cxrPatient(0, 0, 32);
 * if (imgs[0].name !== "00000001_000.png" || imgs[0].pixels.length !== 1024) throw new Error();
 * ```
 */
export function cxrPatient(seed: number, index: number, size = CXR_DEMO.size): CxrImage[] {
  const rng = createRng(seed).fork(`cxr-patient-${index}`);
  const anat: CxrAnatomy = {
    bw: rng.uniform(0.92, 1.05),
    lw: rng.uniform(0.92, 1.08),
    lh: rng.uniform(0.92, 1.08),
    hs: rng.uniform(0.9, 1.1),
  };
  const age = rng.int(20, 86), gender = rng.bernoulli(0.5) ? "M" : "F";
  const chronic = PREV.map((p, f) => CHRONIC.has(f) && rng.bernoulli(p));
  const chronicSig: CxrChronic = {
    cardiomegaly: rng.uniform(1.45, 1.7),
    pleural: rng.int(0, 2),
    fibrosis: Array.from({ length: rng.int(16, 25) }, () => segment(rng, anat)),
  };
  const n = rng.int(1, 6);
  const out: CxrImage[] = [];
  for (let f = 0; f < n; f++) {
    const r = rng.fork(`follow-up-${f}`);
    const labels = PREV.map((p, k) =>
      (CHRONIC.has(k) ? (chronic[k] && r.bernoulli(0.9)) : r.bernoulli(p)) ? 1 : 0
    );
    labels[6] = r.bernoulli(labels[3] || labels[8] ? 0.5 : 0.02) ? 1 : 0;
    const sig = cxrSignatures(r, anat, labels, chronicSig);
    const img = renderCxr(anat, sig, r, size);
    out.push({
      name: `${pad(index + 1, 8)}_${pad(f, 3)}.png`,
      patientId: index + 1,
      followUp: f,
      labels,
      age,
      gender,
      view: r.bernoulli(0.8) ? "PA" : "AP",
      size,
      pixels: Uint8Array.from(img, (x) => Math.round(x * 255)),
    });
  }
  return out;
}

function segment(rng: Rng, a: CxrAnatomy): { a: [number, number]; b: [number, number] } {
  const p = lungPoint(rng, a, rng.int(0, 2), true);
  const len = rng.uniform(0.04, 0.07), th = rng.uniform(0, Math.PI);
  return { a: p, b: [p[0] + len * Math.cos(th), p[1] + len * Math.sin(th)] };
}

/** Per-patient parameters of the chronic findings (same on every follow-up). */
export type CxrChronic = {
  cardiomegaly: number;
  pleural: number;
  fibrosis: CxrSignatures["fibrosis"];
};

/**
 * Image parameters for the findings in `lab` (14 zeros/ones): base jitter first, then one
 * block of draws per present finding, so the same `r` state gives the same base image.
 */
export function cxrSignatures(
  r: Rng,
  a: CxrAnatomy,
  lab: number[],
  chronic: CxrChronic,
): CxrSignatures {
  const s: CxrSignatures = {
    shift: [r.uniform(-2, 2), r.uniform(-2, 2)],
    contrast: r.uniform(0.9, 1.1),
    offset: r.uniform(-0.04, 0.04),
    diaphragm: [0.74 + r.uniform(-0.02, 0.02), 0.74 + r.uniform(-0.02, 0.02)],
    texPhase: [r.uniform(0, 6.3), r.uniform(0, 6.3)],
    softBlobs: [],
    discs: [],
  };
  const lung = () => r.int(0, 2);
  const blob = (rlo: number, rhi: number, add: number, l = lung(), lower = false) => {
    const [u, v] = lungPoint(r, a, l, lower);
    return { u, v, r: r.uniform(rlo, rhi), add };
  };
  if (lab[0]) s.atelectasis = lung();
  if (lab[1]) s.cardiomegaly = chronic.cardiomegaly;
  if (lab[2]) {
    const one = r.bernoulli(0.7);
    s.effusion = { lungs: one ? [lung()] : [0, 1], v: r.uniform(0.6, 0.67) };
  }
  if (lab[3]) { for (let i = r.int(2, 5); i > 0; i--) s.softBlobs.push(blob(0.04, 0.07, 0.1)); }
  if (lab[4]) s.discs.push(blob(0.05, 0.08, 0.38));
  if (lab[5]) { for (let i = r.int(1, 4); i > 0; i--) s.discs.push(blob(0.018, 0.03, 0.35)); }
  if (lab[6] && !lab[3] && !lab[8]) s.softBlobs.push(blob(0.04, 0.06, 0.08));
  if (lab[7]) s.pneumothorax = lung();
  if (lab[8]) {
    const l = lung();
    for (let i = 0; i < 4; i++) s.discs.push(blob(0.035, 0.05, 0.3, l, true));
  }
  if (lab[9]) s.edema = true;
  if (lab[10]) s.emphysema = true;
  if (lab[11]) s.fibrosis = chronic.fibrosis;
  if (lab[12]) s.pleural = chronic.pleural;
  if (lab[13]) s.hernia = true;
  return s;
}

/** Patient indices of the labelled split (70/10/20) and the NIH name-only split (77/23). */
export type CxrSplits = {
  train224: number[];
  val: number[];
  test224: number[];
  nihTrainVal: number[];
  nihTest: number[];
};

/** Seeded patient-level splits for `patients` patients (each list sorted). */
export function cxrSplits(seed: number, patients: number): CxrSplits {
  checkCount(patients, "chestxray14 patients", 3);
  const root = createRng(seed);
  const p1 = root.fork("cxr-split-arnoweng").permutation(patients);
  const p2 = root.fork("cxr-split-nih").permutation(patients);
  const nTr = Math.max(1, Math.round(patients * 0.7)),
    nVa = Math.max(1, Math.round(patients * 0.1));
  const nNih = Math.max(1, Math.min(patients - 1, Math.round(patients * 0.77)));
  const sort = (a: number[]) => a.sort((x, y) => x - y);
  return {
    train224: sort(p1.slice(0, nTr)),
    val: sort(p1.slice(nTr, nTr + nVa)),
    test224: sort(p1.slice(nTr + nVa)),
    nihTrainVal: sort(p2.slice(0, nNih)),
    nihTest: sort(p2.slice(nNih)),
  };
}

/** NIH's `Data_Entry_2017.csv` header (11 fields and a trailing comma). */
export const DATA_ENTRY_HEADER =
  "Image Index,Finding Labels,Follow-up #,Patient ID,Patient Age,Patient Gender,View Position," +
  "OriginalImage[Width,Height],OriginalImagePixelSpacing[x,y],";

/** `Finding Labels` value: sorted names joined by `|`, or `No Finding`. */
export function findingLabels(labels: number[]): string {
  const names = CXR_FINDINGS.filter((_, i) => labels[i]).sort();
  return names.length ? names.join("|") : "No Finding";
}

/** The full `Data_Entry_2017.csv` text for `images` (LF line endings). */
export function dataEntryCsv(images: CxrImage[]): string {
  const rows = images.map((m) =>
    [
      m.name,
      findingLabels(m.labels),
      m.followUp,
      m.patientId,
      m.age,
      m.gender,
      m.view,
      1024,
      1024,
      0.143,
      0.143,
    ].join(",")
  );
  return [DATA_ENTRY_HEADER, ...rows].join("\n") + "\n";
}

/** A list file: `name l0 … l13` per line (or names only), LF, no newline after the last line. */
export function cxrListText(images: CxrImage[], withLabels: boolean): string {
  return images.map((m) => withLabels ? `${m.name} ${m.labels.join(" ")}` : m.name).join("\n");
}

/**
 * Write the ChestX-ray14 phantom (layout in the module doc). `cases` counts patients.
 *
 * @example
 * ```ts
 * import { writeChestXray14 } from "./chestxray14.ts";
 * const dir = await Deno.makeTempDir();
 * const r = await writeChestXray14(dir, { cases: 3, size: 16 });
 * if (!r.files.includes("labels/val_list.txt")) throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeChestXray14(
  dir: string,
  opts: PhantomOptions & { size?: number } = {},
): Promise<PhantomResult> {
  const patients = checkCount(opts.cases ?? CXR_DEMO.cases, "chestxray14 patients", 3);
  const seed = opts.seed ?? 0, size = opts.size ?? CXR_DEMO.size;
  const log = new FileLog(dir);
  const byPatient: CxrImage[][] = [];
  for (let p = 0; p < patients; p++) {
    const imgs = cxrPatient(seed, p, size);
    for (const m of imgs) {
      const png = { data: m.pixels, width: size, height: size, channels: 1, bitDepth: 8 } as const;
      await writePng(await log.path(`images/${m.name}`), png);
      await log.copy(`images/${m.name}`, `images-224/${m.name}`);
    }
    // keep labels and fields only
    byPatient.push(imgs.map((m) => ({ ...m, pixels: new Uint8Array(0) })));
    opts.onCase?.({ done: p + 1, total: patients, name: `patient ${pad(p + 1, 8)}` });
  }
  const s = cxrSplits(seed, patients);
  const pick = (ids: number[]) => ids.flatMap((p) => byPatient[p]);
  await log.text("Data_Entry_2017.csv", dataEntryCsv(byPatient.flat()));
  await log.text("labels/train_list_224.txt", cxrListText(pick(s.train224), true));
  await log.text("labels/val_list.txt", cxrListText(pick(s.val), true));
  await log.text("labels/test_list_224.txt", cxrListText(pick(s.test224), true));
  await log.text("labels/train_list.txt", cxrListText(pick(s.nihTrainVal), false));
  await log.text("labels/test_list.txt", cxrListText(pick(s.nihTest), false));
  await log.text("train_val_list.txt", cxrListText(pick(s.nihTrainVal), false));
  await log.text("test_list.txt", cxrListText(pick(s.nihTest), false));
  return log.result(patients);
}
