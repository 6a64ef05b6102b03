import assert from "node:assert/strict";
import { join } from "node:path";
import { readNifti } from "../../lib/io/nifti.ts";
import {
  BRATS_MODALITIES,
  bratsCase,
  bratsDatalists,
  bratsGroup,
  writeBrats,
} from "../../lib/phantoms/brats.ts";
import { differing, rankAuc, walk, withTempDir } from "./_util.ts";

const SMALL: [number, number, number] = [24, 24, 16];

Deno.test("brats: groups, labels {0,1,2,4}, background exactly 0, brain ≥ 1", () => {
  assert.deepEqual(
    Array.from({ length: 20 }, (_, i) => bratsGroup(i)).reduce(
      (m, g) => ({ ...m, [g]: (m[g] ?? 0) + 1 }),
      {} as Record<string, number>,
    ),
    { HGG: 12, LGG: 4, Validation: 4 },
  );
  const c = bratsCase(2023, 0, SMALL);
  assert.deepEqual(c.seg.shape, [24, 24, 16]);
  assert.deepEqual([...new Set(c.seg.data)].sort((a, b) => a - b), [0, 1, 2, 4]);
  const lgg = bratsCase(2023, 3, SMALL); // first LGG case: no ET
  assert.equal(lgg.group, "LGG");
  assert.ok(!lgg.seg.data.includes(4) && lgg.seg.data.includes(1));
  for (const m of BRATS_MODALITIES) {
    const d = c.images[m].data;
    assert.ok(d instanceof Int16Array);
    assert.equal(d[0], 0);
    const brain = d.filter((v) => v !== 0).length;
    assert.ok(brain > 0.1 * d.length && brain < 0.6 * d.length, `${m}: ${brain}`);
  }
});

Deno.test("brats: each region is clearest in its intended modality", () => {
  // Pooled over two HGG cases at the demo grid: AUC of intensity, region vs rest of the brain.
  const regions = { ET: [4], TC: [1, 4], WT: [1, 2, 4] };
  const best: Record<string, string> = {};
  const aucs: Record<string, number[]> = {};
  const cases = [bratsCase(2023, 0), bratsCase(2023, 1)];
  for (const [name, labels] of Object.entries(regions)) {
    const per = BRATS_MODALITIES.map((m) => {
      const s: number[] = [], y: number[] = [];
      for (const c of cases) {
        const d = c.images[m].data, seg = c.seg.data;
        for (let j = 0; j < d.length; j++) {
          if (d[j] === 0) continue;
          s.push(d[j]);
          y.push(labels.includes(seg[j]) ? 1 : 0);
        }
      }
      const a = rankAuc(s, y);
      return Math.max(a, 1 - a);
    });
    aucs[name] = per;
    best[name] = BRATS_MODALITIES[per.indexOf(Math.max(...per))];
    // t1 is weak everywhere
    assert.ok(per[1] < Math.min(per[0], per[2], per[3]), `${name}: ${per}`);
  }
  assert.deepEqual(best, { ET: "t1ce", TC: "t1ce", WT: "flair" }, JSON.stringify(aucs));
});

Deno.test("brats: exact layout, datalists, NIfTI round trip, determinism", async () => {
  await withTempDir(async (root) => {
    const a = join(root, "a"), b = join(root, "b");
    await writeBrats(a, { cases: 5, shape: [16, 16, 8] });
    const caseFiles = (dir: string, id: string) =>
      [...BRATS_MODALITIES, "seg"].map((m) => `${dir}/${id}/${id}_${m}.nii`);
    const T = "MICCAI_BraTS_2018_Data_Training";
    const expected = [
      ...caseFiles(`${T}/HGG`, "Brats18_SYN_0001_1"),
      ...caseFiles(`${T}/HGG`, "Brats18_SYN_0002_1"),
      ...caseFiles(`${T}/HGG`, "Brats18_SYN_0003_1"),
      ...caseFiles(`${T}/LGG`, "Brats18_SYN_0004_1"),
      ...caseFiles("MICCAI_BraTS_2018_Data_Validation", "Brats18_SYN_0005_1"),
      ...["train", "val", "train_all", "test"].map((s) => `datalist/BraTS18/BraTS18_${s}.csv`),
    ].sort();
    assert.deepEqual(await walk(a), expected);
    const lists = bratsDatalists(20);
    assert.deepEqual(
      Object.values(lists).map((l) => l.length),
      [12, 4, 16, 4],
    );
    assert.deepEqual(
      [lists["BraTS18_train.csv"], lists["BraTS18_val.csv"]].map((l) =>
        l.filter((p) => p.includes("/LGG/")).length
      ),
      [3, 1],
    );
    assert.equal(
      await Deno.readTextFile(join(a, "datalist/BraTS18/BraTS18_test.csv")),
      "MICCAI_BraTS_2018_Data_Validation/Brats18_SYN_0005_1\n",
    );
    // every datalist line names a folder holding <line>/<basename>_<mod>.nii
    for (
      const l of (await Deno.readTextFile(join(a, "datalist/BraTS18/BraTS18_train_all.csv")))
        .trim().split("\n")
    ) {
      const id = l.split("/").pop();
      await Deno.stat(join(a, l, `${id}_flair.nii`));
    }
    const gen = bratsCase(2023, 3, [16, 16, 8]);
    const t1ce = await readNifti(
      join(a, `${T}/LGG/Brats18_SYN_0004_1/Brats18_SYN_0004_1_t1ce.nii`),
    );
    const seg = await readNifti(join(a, `${T}/LGG/Brats18_SYN_0004_1/Brats18_SYN_0004_1_seg.nii`));
    assert.deepEqual(t1ce.shape, [16, 16, 8]);
    assert.deepEqual(t1ce.data, gen.images.t1ce.data);
    assert.deepEqual(seg.data, gen.seg.data);
    assert.deepEqual(t1ce.affine, [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]);
    await writeBrats(b, { cases: 5, shape: [16, 16, 8] });
    assert.deepEqual(await differing(a, b, expected), []);
    const other = bratsCase(1, 3, [16, 16, 8]);
    assert.notDeepEqual(other.images.t1ce.data, gen.images.t1ce.data);
  });
});
