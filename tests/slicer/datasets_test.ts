import assert from "node:assert/strict";
import { readH5Dataset } from "../../lib/io/h5.ts";
import { writeNifti } from "../../lib/io/nifti.ts";
import { runSliceMaker, truncateHistogram } from "../../lib/slicer/mod.ts";
import { refPython, runPythonJson } from "../_util/reference.ts";
import { f64, i8, parseNpy, readNpz, strings } from "./_npz.ts";

const eye = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("SliceMaker lits: flat volume-N.nii and case_* layouts, slices vol[:, :, i]", () =>
  withDir(async (dir) => {
    const shape = [4, 4, 2]; // (x, y, slices)
    const ct = Int16Array.from({ length: 32 }, (_, q) => q); // value = x + 4y + 16k
    const seg = new Uint8Array(32);
    seg[1 + 4 * 2 + 16 * 1] = 2; // slice 1, row x=1, col y=2
    await Deno.mkdir(`${dir}/in/case_00012`, { recursive: true });
    for (
      const [img, lab] of [["volume-7.nii", "segmentation-7.nii"], [
        "case_00012/volume.nii",
        "case_00012/segmentation.nii",
      ]]
    ) {
      await writeNifti(`${dir}/in/${img}`, { data: ct, shape, spacing: [1, 1, 1], affine: eye });
      await writeNifti(`${dir}/in/${lab}`, { data: seg, shape, spacing: [1, 1, 1], affine: eye });
    }
    const s = await runSliceMaker({
      inpath: `${dir}/in`,
      outpath: `${dir}/out`,
      dataset: "lits",
      task: "tumor",
      sliceSize: 4,
    });
    assert.deepEqual([s.cases, s.done, s.written], [2, 2, 4]);
    const l = parseNpy(await Deno.readFile(`${dir}/out/train/lits_tumor_slices.npy`));
    assert.deepEqual(strings(l), ["00012_1.npz", "7_1.npz"]);
    const z = readNpz(await Deno.readFile(`${dir}/out/train/7_1.npz`));
    // rows = x, cols = y: ct[r][c] = r + 4c + 16
    assert.deepEqual(
      f64(z.ct),
      Array.from({ length: 16 }, (_, q) => Math.floor(q / 4) + 4 * (q % 4) + 16),
    );
    assert.equal(i8(z.mask)[1 * 4 + 2], 2);
  }));

Deno.test("SliceMaker synapse: TransUNet window, label remap, slice naming, h5 test volumes", () =>
  withDir(async (dir) => {
    const shape = [3, 2, 2]; // x, y, z
    const hu = Int16Array.of(-1000, -125, 75, 275, 1000, 0, 5, 6, 7, 8, 9, 10);
    const lab = Uint8Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13);
    await Deno.mkdir(`${dir}/in/img`, { recursive: true });
    await Deno.mkdir(`${dir}/in/label`, { recursive: true });
    const v = { shape, spacing: [1, 1, 1], affine: eye };
    await writeNifti(`${dir}/in/img/img0005.nii.gz`, { ...v, data: hu });
    await writeNifti(`${dir}/in/label/label0005.nii.gz`, { ...v, data: lab });
    const s = await runSliceMaker({
      inpath: `${dir}/in`,
      outpath: `${dir}/out`,
      dataset: "synapse",
      task: "train",
    });
    assert.deepEqual([s.done, s.written, s.listed], [1, 2, 2]);
    assert.equal(
      await Deno.readTextFile(`${dir}/out/lists_Synapse/train.txt`),
      "case0005_slice000\ncase0005_slice001\n",
    );
    const z = readNpz(await Deno.readFile(`${dir}/out/train_npz/case0005_slice000.npz`));
    assert.deepEqual([z.image.descr, z.image.shape, z.label.descr, z.label.shape], [
      "<f4",
      [2, 3],
      "|u1",
      [2, 3],
    ]);
    // rows = y, cols = x: the stored plane; (HU + 125) / 400 after clipping
    const im = [...new Float32Array(z.image.bytes.slice().buffer)];
    assert.deepEqual(im, [0, 0, 0.5, 1, 1, 0.3125].map(Math.fround));
    // BTCV 1 spleen→7, 2 right kidney→4, 3 left kidney→3, 4 gallbladder→2, 5 esophagus→0
    assert.deepEqual([...z.label.bytes], [0, 7, 4, 3, 2, 0]);
    const z1 = readNpz(await Deno.readFile(`${dir}/out/train_npz/case0005_slice001.npz`));
    // 6 liver→5, 7 stomach→8, 8 aorta→1, 11 pancreas→6, 12/13 adrenals→0
    assert.deepEqual([...z1.label.bytes], [5, 8, 1, 6, 0, 0]);

    const t = await runSliceMaker({
      inpath: `${dir}/in`,
      outpath: `${dir}/out`,
      dataset: "synapse",
      task: "test",
    });
    assert.equal(t.done, 1);
    assert.equal(await Deno.readTextFile(`${dir}/out/lists_Synapse/test_vol.txt`), "case0005\n");
    const img = await readH5Dataset(`${dir}/out/test_vol_h5/case0005.npy.h5`, "image");
    const lb = await readH5Dataset(`${dir}/out/test_vol_h5/case0005.npy.h5`, "label");
    assert.deepEqual(img.shape, [2, 2, 3]);
    assert.ok(img.data instanceof Float32Array);
    assert.deepEqual([...img.data.slice(0, 6)], im);
    assert.ok(lb.data instanceof Uint8Array);
    assert.deepEqual([...lb.data], [0, 7, 4, 3, 2, 0, 5, 8, 1, 6, 0, 0]);
  }));

Deno.test("truncateHistogram: hand-computed and NumPy histogram edges", () => {
  // max 4 → 4 bins over [0, 4]: counts [3, 2, 0, 1]
  assert.deepEqual([...truncateHistogram([0, 0, 0.5, 1, 1.5, 4], 2)], [0, 0, 0.5, 1, 1, 1]);
  assert.deepEqual([...truncateHistogram([0, 0, 0.5, 1, 1.5, 4], 1)], [0, 0, 0.5, 1, 1.5, 3]);
  assert.deepEqual([...truncateHistogram([0.2, 0.5], 1)], [0.2, 0.5]); // < 1 bin: unchanged
});

Deno.test("SliceMaker brats: LCKD normalisation matches a NumPy reference, (4, z, x, y) layout", () =>
  withDir(async (dir) => {
    const shape = [5, 4, 3], n = 60;
    const caseDir = `${dir}/in/HGG/Brats18_SYN_0001_1`;
    await Deno.mkdir(caseDir, { recursive: true });
    const mods: number[][] = [];
    for (const [m, mod] of ["flair", "t1", "t1ce", "t2"].entries()) {
      const d = Int16Array.from(
        { length: n },
        (_, q) => (q % 7 === 0 ? 0 : 1 + ((q * (m + 3) * 13) % 40)),
      );
      d[0] = 0;
      mods.push([...d]);
      await writeNifti(`${caseDir}/Brats18_SYN_0001_1_${mod}.nii`, {
        data: d,
        shape,
        spacing: [1, 1, 1],
        affine: eye,
      });
    }
    const seg = Uint8Array.from({ length: n }, (_, q) => [0, 1, 2, 4][q % 4]);
    await writeNifti(`${caseDir}/Brats18_SYN_0001_1_seg.nii`, {
      data: seg,
      shape,
      spacing: [1, 1, 1],
      affine: eye,
    });
    const s = await runSliceMaker({
      inpath: `${dir}/in`,
      outpath: `${dir}/out`,
      dataset: "brats",
      task: "volumes",
      histThreshold: 2,
    });
    assert.deepEqual([s.done, s.listed], [1, 1]);
    assert.equal(await Deno.readTextFile(`${dir}/out/brats_cases.txt`), "Brats18_SYN_0001_1\n");
    const z = readNpz(await Deno.readFile(`${dir}/out/Brats18_SYN_0001_1.npz`));
    assert.deepEqual(z.image.shape, [4, 3, 5, 4]);
    assert.deepEqual(z.label.shape, [3, 5, 4]);
    const img = new Float32Array(z.image.bytes.slice().buffer);
    // label (z, x, y) in C order: element [k][i][j] = seg(i, j, k)
    const lab = [...z.label.bytes];
    for (const [k, i, j] of [[0, 1, 2], [2, 4, 3], [1, 0, 1]]) {
      assert.equal(lab[(k * 5 + i) * 4 + j], seg[i + 5 * (j + 4 * k)]);
    }
    const py = refPython(["numpy"]);
    if (!py) return;
    const ref = await runPythonJson<number[]>(
      py,
      `
import sys, json, numpy as np
inp = json.load(sys.stdin)
def norm(x, thr):
    x = x.astype(np.float64)
    hist, _ = np.histogram(x, bins=int(x.max()))
    t = np.where(hist >= thr)[0][-1]
    x[x >= t] = t
    b = x[0, 0, 0]
    m = x != b
    y = np.zeros_like(x)
    y[m] = (x[m] - x[m].mean()) / x[m].std()
    return y
vols = [np.array(d).reshape(inp['shape'], order='F') for d in inp['mods']]
img = np.stack([norm(v, 2) for v in vols]).transpose(0, 3, 1, 2)
print(json.dumps(img.astype(np.float32).flatten().tolist()))
`,
      { mods, shape },
    );
    let md = 0;
    ref.forEach((v, q) => (md = Math.max(md, Math.abs(v - img[q]))));
    assert.ok(md < 1e-6, `max diff ${md}`);
  }));
