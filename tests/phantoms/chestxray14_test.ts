import assert from "node:assert/strict";
import { join } from "node:path";
import { readPng } from "../../lib/io/png.ts";
import { createRng } from "../../lib/random/mod.ts";
import {
  CXR_FINDINGS,
  cxrListText,
  cxrPatient,
  cxrSignatures,
  cxrSplits,
  DATA_ENTRY_HEADER,
  dataEntryCsv,
  findingLabels,
  writeChestXray14,
} from "../../lib/phantoms/chestxray14.ts";
import { differing, walk, withTempDir } from "./_util.ts";
import { renderCxr } from "../../lib/phantoms/cxr_render.ts";

Deno.test("chestxray14: every finding has a visible signature", () => {
  const anat = { bw: 1, lw: 1, lh: 1, hs: 1 };
  const chronic = {
    cardiomegaly: 1.6,
    pleural: 0,
    fibrosis: Array.from({ length: 20 }, (_, i) => ({
      a: [0.28 + 0.01 * i, 0.55] as [number, number],
      b: [0.3 + 0.01 * i, 0.6] as [number, number],
    })),
  };
  const none = new Array(14).fill(0);
  const base = renderCxr(anat, cxrSignatures(createRng(1), anat, none, chronic), createRng(2), 64);
  for (let f = 0; f < 14; f++) {
    const lab = none.map((_, i) => (i === f ? 1 : 0));
    const img = renderCxr(anat, cxrSignatures(createRng(1), anat, lab, chronic), createRng(2), 64);
    let sum = 0, max = 0;
    for (let i = 0; i < img.length; i++) {
      const d = Math.abs(img[i] - base[i]);
      sum += d;
      max = Math.max(max, d);
    }
    // total change ≥ 0.5 (≈128 grey levels summed) and a local change ≥ 0.05 (≈13 levels;
    // Pneumonia alone is the faintest: one +0.08 blob)
    assert.ok(sum > 0.5 && max > 0.05, `${CXR_FINDINGS[f]}: ${sum} ${max}`);
  }
});

Deno.test("chestxray14: labels are multi-label with No Finding; prevalences near the design", () => {
  const imgs = Array.from({ length: 150 }, (_, p) => cxrPatient(0, p, 16)).flat();
  assert.ok(imgs.length > 300 && imgs.length < 600, `${imgs.length}`);
  const n = imgs.length;
  const none = imgs.filter((m) => m.labels.every((v) => v === 0)).length;
  const multi = imgs.filter((m) => m.labels.reduce((a, b) => a + b, 0) > 1).length;
  assert.ok(none / n > 0.15 && none / n < 0.55, `No Finding ${none}/${n}`);
  assert.ok(multi / n > 0.1, `multi-label ${multi}/${n}`);
  for (let f = 0; f < 14; f++) {
    const c = imgs.filter((m) => m.labels[f]).length;
    assert.ok(c / n > 0.01 && c / n < 0.35, `${CXR_FINDINGS[f]} ${c}/${n}`);
  }
  // follow-ups of one patient share id, age and gender; names are PPPPPPPP_FFF.png
  const p = cxrPatient(0, 41, 16);
  assert.ok(p.every((m, i) => m.name === `00000042_00${i}.png` && m.patientId === 42));
  assert.ok(p.every((m) => m.age === p[0].age && m.gender === p[0].gender));
});

Deno.test("chestxray14: Data_Entry_2017.csv and list file formats", () => {
  const imgs = [...cxrPatient(0, 0, 8), ...cxrPatient(0, 1, 8)];
  const csv = dataEntryCsv(imgs).split("\n");
  assert.equal(csv[0], DATA_ENTRY_HEADER);
  assert.equal(csv[0].split(",").length, 12); // 11 header fields (two with commas) + trailing ""
  assert.equal(csv.at(-1), "");
  const row = csv[1].split(",");
  assert.equal(row.length, 11);
  assert.equal(row[0], imgs[0].name);
  assert.equal(row[1], findingLabels(imgs[0].labels));
  assert.deepEqual(row.slice(2, 4), ["0", "1"]);
  assert.ok(["PA", "AP"].includes(row[6]) && ["M", "F"].includes(row[5]));
  assert.deepEqual(row.slice(7), ["1024", "1024", "0.143", "0.143"]);
  assert.equal(findingLabels(new Array(14).fill(0)), "No Finding");
  const lab = new Array(14).fill(0);
  lab[12] = lab[6] = lab[1] = 1;
  assert.equal(findingLabels(lab), "Cardiomegaly|Pleural_Thickening|Pneumonia");
  const list = cxrListText(imgs, true);
  assert.ok(!list.endsWith("\n") && !list.includes("\r"));
  assert.equal(list.split("\n")[0], `${imgs[0].name} ${imgs[0].labels.join(" ")}`);
  assert.equal(cxrListText(imgs, false).split("\n")[1], imgs[1].name);
});

Deno.test("chestxray14: patient splits are disjoint, complete, 70/10/20 and 77/23", () => {
  const s = cxrSplits(0, 400);
  assert.deepEqual([s.train224.length, s.val.length, s.test224.length], [280, 40, 80]);
  assert.deepEqual([s.nihTrainVal.length, s.nihTest.length], [308, 92]);
  const all = [...s.train224, ...s.val, ...s.test224].sort((a, b) => a - b);
  assert.deepEqual(all, Array.from({ length: 400 }, (_, i) => i));
  assert.notDeepEqual(s.nihTest, s.test224.slice(0, 92)); // an independent split
  assert.deepEqual(cxrSplits(0, 400), s);
  assert.notDeepEqual(cxrSplits(1, 400).train224, s.train224);
});

Deno.test("chestxray14: deterministic per seed and patient", () => {
  const a = cxrPatient(5, 3, 16), b = cxrPatient(5, 3, 16), c = cxrPatient(6, 3, 16);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.map((m) => m.pixels), c.map((m) => m.pixels));
});

Deno.test("chestxray14: exact layout, PNG round trip, lists consistent, byte-identical", async () => {
  await withTempDir(async (root) => {
    const a = join(root, "a"), b = join(root, "b");
    const r = await writeChestXray14(a, { cases: 4, size: 16 });
    const imgs = [0, 1, 2, 3].flatMap((p) => cxrPatient(0, p, 16));
    const names = imgs.map((m) => m.name);
    const lists = ["test_list.txt", "test_list_224.txt", "train_list.txt", "train_list_224.txt"];
    const expected = [
      "Data_Entry_2017.csv",
      ...names.map((n) => `images/${n}`),
      ...names.map((n) => `images-224/${n}`),
      ...[...lists, "val_list.txt"].map((f) => `labels/${f}`),
      "test_list.txt",
      "train_val_list.txt",
    ].sort();
    assert.deepEqual(await walk(a), expected);
    assert.deepEqual(r.files, expected);
    const png = await readPng(join(a, `images/${names[1]}`));
    assert.deepEqual([png.width, png.height], [16, 16]);
    assert.deepEqual(Array.from(png.data), Array.from(imgs[1].pixels));
    const read = (f: string) => Deno.readTextFile(join(a, f));
    assert.equal(await read("Data_Entry_2017.csv"), dataEntryCsv(imgs));
    // labelled lists: disjoint by patient, together every image, labels match the generator
    const labelled = ["train_list_224.txt", "val_list.txt", "test_list_224.txt"];
    const rows = (await Promise.all(labelled.map((f) => read(`labels/${f}`))))
      .flatMap((t) => t ? t.split("\n") : []);
    assert.deepEqual(rows.map((l) => l.split(" ")[0]).sort(), [...names].sort());
    for (const l of rows) {
      const [name, ...lab] = l.split(" ");
      assert.deepEqual(lab.map(Number), imgs.find((m) => m.name === name)!.labels);
    }
    const nih = [await read("labels/train_list.txt"), await read("labels/test_list.txt")];
    assert.equal(await read("train_val_list.txt"), nih[0]);
    assert.deepEqual(nih.flatMap((t) => t ? t.split("\n") : []).sort(), [...names].sort());
    await writeChestXray14(b, { cases: 4, size: 16 });
    assert.deepEqual(await differing(a, b, expected), []);
  });
});
