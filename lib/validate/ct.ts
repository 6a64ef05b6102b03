/**
 * Checkers for the NIfTI studies: KiTS19, LiTS and BraTS (image/label grids from headers, label
 * values, missing modality files, duplicate ids, list rows pointing at missing folders).
 * @module
 */
import { basename, join } from "node:path";
import { BRATS_MODALITIES } from "../datasets/brats.ts";
import type { Collector } from "./report.ts";
import {
  checkLabelVolume,
  duplicates,
  entries,
  firstExisting,
  present,
  sameGrid,
} from "./checks.ts";

/** KiTS19: `case_XXXXX/imaging.nii.gz` + `segmentation.nii.gz` (0, 1, 2); `kits.json` if any. */
export async function checkKits(dir: string, c: Collector): Promise<void> {
  const cases = await entries(dir, /^case_\d+$/, "dir");
  if (cases.length === 0) c.error(dir, "no case_XXXXX folders");
  duplicates(c, cases.map((d) => ({ id: String(Number(d.slice(5))), file: join(dir, d) })));
  const json = join(dir, "kits.json");
  if (await firstExisting([json])) {
    c.files++;
    try {
      const rows = JSON.parse(await Deno.readTextFile(json)) as { case_id?: string }[];
      duplicates(c, rows.map((r, i) => ({ id: String(r.case_id), file: `${json} entry ${i}` })));
      for (const r of rows) {
        if (r.case_id && !cases.includes(r.case_id)) {
          c.error(json, `lists ${r.case_id} but ${join(dir, r.case_id)} is missing`);
        }
      }
    } catch (e) {
      c.error(json, `not a JSON list of cases: ${(e as Error).message}`);
    }
  }
  for (const d of cases) {
    c.cases++;
    const img = join(dir, d, "imaging.nii.gz"), seg = join(dir, d, "segmentation.nii.gz");
    if (!(await present(c, img, "image file"))) continue;
    if (!(await present(c, seg, "segmentation (unlabelled case)", "warning"))) continue;
    if (await sameGrid(c, [img, seg])) await checkLabelVolume(c, seg, [0, 1, 2]);
  }
}

/** LiTS: flat `volume-N.nii` + `segmentation-N.nii`, or `case_XXXXX/volume.nii` (0, 1, 2). */
export async function checkLits(dir: string, c: Collector): Promise<void> {
  const items: { id: string; img: string; seg: string }[] = [];
  for (const f of await entries(dir, /^volume-\d+\.nii(\.gz)?$/, "file")) {
    const id = f.slice(7, f.indexOf(".")), ext = f.slice(f.indexOf("."));
    items.push({ id, img: join(dir, f), seg: join(dir, `segmentation-${id}${ext}`) });
  }
  for (const d of await entries(dir, /^case_\d+$/, "dir")) {
    const img = join(dir, d, "volume.nii");
    items.push({ id: d.slice(5), img, seg: join(dir, d, "segmentation.nii") });
  }
  for (const f of await entries(dir, /^segmentation-\d+\.nii(\.gz)?$/, "file")) {
    const id = f.slice(13, f.indexOf(".")), ext = f.slice(f.indexOf("."));
    if (!(await firstExisting([join(dir, `volume-${id}${ext}`)]))) {
      c.error(join(dir, `volume-${id}${ext}`), `missing image file for ${f}`);
    }
  }
  if (items.length === 0) c.error(dir, "no volume-N.nii files or case_XXXXX folders");
  duplicates(c, items.map((e) => ({ id: String(Number(e.id)), file: e.img })));
  for (const e of items) {
    c.cases++;
    if (!(await present(c, e.img, "image file"))) continue;
    if (!(await present(c, e.seg, "segmentation (unlabelled case)", "warning"))) continue;
    if (await sameGrid(c, [e.img, e.seg])) await checkLabelVolume(c, e.seg, [0, 1, 2]);
  }
}

/** Folders under `dir` (depth ≤ 3) that hold a `<name>_flair.nii[.gz]` or `<name>_seg.nii[.gz]`. */
async function bratsCaseDirs(dir: string, depth = 3): Promise<string[]> {
  const out: string[] = [];
  const name = basename(dir);
  const own = await entries(dir, /_(flair|t1|t1ce|t2|seg)\.nii(\.gz)?$/, "file");
  if (own.some((f) => f.startsWith(`${name}_`))) out.push(dir);
  if (depth > 0) {
    for (const d of await entries(dir, /./, "dir")) {
      out.push(...await bratsCaseDirs(join(dir, d), depth - 1));
    }
  }
  return out;
}

/** BraTS: `<case>/<case>_{flair,t1,t1ce,t2,seg}.nii[.gz]` (seg 0, 1, 2, 4); datalist CSVs. */
export async function checkBrats(dir: string, c: Collector): Promise<void> {
  const listed = new Set<string>();
  for (const sub of await entries(join(dir, "datalist"), /./, "dir")) {
    for (const f of await entries(join(dir, "datalist", sub), /\.(csv|txt)$/, "file")) {
      const list = join(dir, "datalist", sub, f);
      c.files++;
      const lines = (await Deno.readTextFile(list)).split(/\r?\n/).map((l) =>
        l.trim().split(/\s+/)[0]
      )
        .filter((t) => t && t !== "BraTS_2020_subject_ID");
      duplicates(c, lines.map((t, i) => ({ id: basename(t), file: `${list} line ${i + 1}` })));
      for (const [i, t] of lines.entries()) {
        const at = t.startsWith("/") ? t : join(dir, t);
        if (await firstExisting([at])) listed.add(at);
        else c.error(list, `line ${i + 1}: case folder ${t} not found`);
      }
    }
  }
  const found = new Set([...await bratsCaseDirs(dir), ...listed]);
  if (found.size === 0) c.error(dir, "no BraTS case folders (<case>/<case>_flair.nii[.gz])");
  duplicates(c, [...found].sort().map((d) => ({ id: basename(d), file: d })));
  for (const d of [...found].sort()) {
    c.cases++;
    const name = basename(d);
    const file = async (m: string, what: string, level: "error" | "warning" = "error") => {
      const p = await firstExisting([join(d, `${name}_${m}.nii.gz`), join(d, `${name}_${m}.nii`)]);
      if (p) {
        c.files++;
        return p;
      }
      await present(c, join(d, `${name}_${m}.nii.gz`), what, level);
      return null;
    };
    const mods: string[] = [];
    for (const m of BRATS_MODALITIES) {
      const p = await file(m, `modality file (${m})`);
      if (p) mods.push(p);
    }
    const seg = await file("seg", "segmentation (unlabelled case)", "warning");
    const grid = [...mods, ...(seg ? [seg] : [])];
    if (grid.length > 1 && await sameGrid(c, grid) && seg) {
      await checkLabelVolume(c, seg, [0, 1, 2, 4]);
    } else if (grid.length === 1 && seg) await checkLabelVolume(c, seg, [0, 1, 2, 4]);
  }
}
