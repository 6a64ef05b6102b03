/**
 * Checkers for the studies driven by lists and tables: Synapse (npz slices, h5 volumes),
 * ChestX-ray14 (PNG + `Data_Entry_2017.csv` + lists) and HCC (npy volumes + label CSVs).
 * @module
 */
import { join } from "node:path";
import { readNpz } from "../io/npz.ts";
import { readNpy } from "../io/npy.ts";
import { readH5 } from "../io/h5.ts";
import { SYNAPSE_LABELS } from "../datasets/synapse.ts";
import { CXR_LABELS } from "../datasets/chestxray14.ts";
import { readRows } from "../datasets/tables.ts";
import { hccCaseId, readHccClinical } from "../datasets/hcc.ts";
import type { Collector } from "./report.ts";
import { checkValues, duplicates, entries, firstExisting, guarded, present } from "./checks.ts";

async function listLines(c: Collector, path: string): Promise<string[] | null> {
  if (!(await present(c, path, "list file"))) return null;
  return (await Deno.readTextFile(path)).split(/\r?\n/).map((l) => l.trim()).filter((l) => l);
}

/** Image and label arrays of one Synapse file: same shape, labels 0…8. */
function imageLabel(
  c: Collector,
  file: string,
  a: Record<string, { shape: number[]; data: ArrayLike<number | bigint> }>,
  empty: boolean,
) {
  if (!a.image || !a.label) {
    c.error(
      file,
      `expected arrays "image" and "label", has ${Object.keys(a).join(", ") || "none"}`,
    );
    return;
  }
  if (a.image.shape.join() !== a.label.shape.join()) {
    c.error(file, `label shape [${a.label.shape}] differs from image shape [${a.image.shape}]`);
  }
  checkValues(c, file, a.label.data, SYNAPSE_LABELS, { emptyWarning: empty });
}

/** Synapse: `lists_Synapse/{train,test_vol}.txt` → `train_npz/*.npz`, `test_vol_h5/*.npy.h5`. */
export async function checkSynapse(dir: string, c: Collector): Promise<void> {
  const sets = [
    { list: "train.txt", folder: "train_npz", ext: ".npz", volume: false },
    { list: "test_vol.txt", folder: "test_vol_h5", ext: ".npy.h5", volume: true },
  ];
  for (const s of sets) {
    const list = join(dir, "lists_Synapse", s.list);
    const names = await listLines(c, list);
    if (!names) continue;
    duplicates(c, names.map((n, i) => ({ id: n, file: `${list} line ${i + 1}` })));
    for (const [i, n] of names.entries()) {
      const f = join(dir, s.folder, `${n}${s.ext}`);
      c.cases++;
      if (!(await firstExisting([f]))) {
        c.error(list, `line ${i + 1}: ${f} is missing`);
        continue;
      }
      c.files++;
      // slices without organs are normal in Synapse; only a whole volume without any is flagged
      const a = await guarded(c, f, () => (s.volume ? readH5(f) : readNpz(f)));
      if (a) imageLabel(c, f, a, s.volume);
    }
  }
}

/** ChestX-ray14: `Data_Entry_2017.csv` (unique names, known findings) and list rows → PNGs. */
export async function checkChestXray14(dir: string, c: Collector): Promise<void> {
  const table = join(dir, "Data_Entry_2017.csv");
  const known = new Set<string>();
  if (await present(c, table, "Data_Entry_2017.csv")) {
    const rows = await guarded(c, table, () => readRows(table));
    if (rows && (rows[0]?.[0] !== "Image Index" || rows[0]?.[1] !== "Finding Labels")) {
      c.error(table, `header "${rows[0]?.join(",")}": expected "Image Index,Finding Labels,…"`);
    } else if (rows) {
      const body = rows.slice(1).filter((r) => r.length > 1 || r[0]);
      duplicates(c, body.map((r, i) => ({ id: r[0], file: `${table} line ${i + 2}` })));
      for (const [i, r] of body.entries()) {
        known.add(r[0]);
        for (const f of (r[1] ?? "").split("|")) {
          if (f !== "No Finding" && !(CXR_LABELS as readonly string[]).includes(f)) {
            c.error(table, `line ${i + 2}: unknown finding "${f}"`);
          }
        }
      }
    }
  }
  const lists = [
    ...(await entries(dir, /_list\.txt$/, "file")).map((f) => join(dir, f)),
    ...(await entries(join(dir, "labels"), /\.txt$/, "file")).map((f) => join(dir, "labels", f)),
  ];
  if (lists.length === 0) c.error(dir, "no image lists (train_val_list.txt, labels/*.txt)");
  const seen = new Set<string>();
  for (const list of lists) {
    const lines = await listLines(c, list);
    if (!lines) continue;
    duplicates(c, lines.map((l, i) => ({ id: l.split(/\s+/)[0], file: `${list} line ${i + 1}` })));
    for (const [i, l] of lines.entries()) {
      const t = l.split(/\s+/);
      if (t.length !== 1 && (t.length !== 15 || t.slice(1).some((v) => v !== "0" && v !== "1"))) {
        c.error(list, `line ${i + 1}: expected a name and 14 labels 0/1, got "${l}"`);
      }
      if (known.size > 0 && !known.has(t[0])) {
        c.error(list, `line ${i + 1}: ${t[0]} is not in Data_Entry_2017.csv`);
      }
      if (seen.has(t[0])) continue;
      seen.add(t[0]);
      c.cases++;
      c.files++;
      const at = await firstExisting([join(dir, "images", t[0]), join(dir, "images-224", t[0])]);
      if (!at) c.error(list, `line ${i + 1}: image ${join(dir, "images", t[0])} is missing`);
    }
  }
}

/** HCC: `hbp/*_hbp.npy` + `_hbp_mask.npy`, `pre/*_pre.npy`; `labels/new_label.csv`, `cdata.csv`. */
export async function checkHcc(dir: string, c: Collector): Promise<void> {
  const files = await entries(join(dir, "hbp"), /_hbp\.npy$/, "file");
  if (files.length === 0) c.error(join(dir, "hbp"), "no *_hbp.npy files");
  const ids = files.map((f) => ({ id: hccCaseId(f), file: join(dir, "hbp", f) }));
  duplicates(c, ids);
  for (const f of files) {
    c.cases++;
    const prefix = f.slice(0, -8);
    const paths = [
      join(dir, "hbp", f),
      join(dir, "pre", `${prefix}_pre.npy`),
      join(dir, "hbp", `${prefix}_hbp_mask.npy`),
    ];
    const ok = [
      await present(c, paths[0], "hbp file"),
      await present(c, paths[1], "modality file (pre)"),
      await present(c, paths[2], "lesion mask"),
    ];
    const arrays = [];
    for (const [k, p] of paths.entries()) {
      arrays.push(ok[k] ? await guarded(c, p, () => readNpy(p)) : null);
    }
    const [hbp] = arrays;
    for (const k of [1, 2]) {
      const a = arrays[k];
      if (hbp && a && a.shape.join() !== hbp.shape.join()) {
        c.error(paths[k], `shape [${a.shape}] differs from [${hbp.shape}] of ${paths[0]}`);
      }
    }
    if (arrays[2]) checkValues(c, paths[2], arrays[2].data, [0, 1]);
  }
  const labels = join(dir, "labels", "new_label.csv");
  if (await present(c, labels, "new_label.csv")) {
    const rows = ((await guarded(c, labels, () => readRows(labels))) ?? []).filter((r) =>
      r[0] !== "Name" && r.some((x) => x.trim())
    );
    duplicates(
      c,
      rows.map((r, i) => ({ id: String(r[1]).trim(), file: `${labels} row ${i + 2}` })),
    );
    const have = new Set(ids.map((x) => x.id));
    for (const [i, r] of rows.entries()) {
      const label = Number(r[2]), id = String(r[1]).trim();
      if (!(Number.isInteger(label) && label >= 0 && label <= 2)) {
        c.error(labels, `row ${i + 2}: label "${r[2]}" outside {0, 1, 2}`);
      }
      if (!have.has(id)) c.error(labels, `row ${i + 2}: case ${id} has no hbp/*_ZS${id}_hbp.npy`);
    }
  }
  const cdata = join(dir, "labels", "cdata.csv");
  if (await present(c, cdata, "cdata.csv (clinical table)")) {
    const clin = await guarded(c, cdata, () => readHccClinical(cdata));
    if (clin) {
      for (const x of ids) if (!clin.has(x.id)) c.error(cdata, `no clinical row for case ${x.id}`);
    }
  }
}
