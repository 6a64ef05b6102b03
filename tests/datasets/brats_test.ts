import assert from "node:assert/strict";
import { join } from "node:path";
import { writeNifti } from "../../lib/io/nifti.ts";
import { writeNpz } from "../../lib/io/npz.ts";
import { createRng } from "../../lib/random/mod.ts";
import {
  bratsNormalize,
  bratsTargets,
  bratsTrainDataset,
  DataLoader,
  DatasetError,
  listBratsNpz,
  loadBratsCase,
  loadBratsNpz,
  readBratsDatalist,
  sampleBratsPatch,
} from "../../lib/datasets/mod.ts";
import { refPython, runPythonJson } from "../_util/reference.ts";

const I4 = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
const MODS = ["flair", "t1", "t1ce", "t2"];

/** Write a tiny case (x, y, z) = (10, 12, 8): a cube of tumour in a brain box. */
async function writeCase(
  root: string,
  id: string,
  opts: { seg?: number[]; badSeg?: boolean } = {},
) {
  const [X, Y, Z] = [10, 12, 8];
  const dir = join(root, "Training", "HGG", id);
  await Deno.mkdir(dir, { recursive: true });
  const n = X * Y * Z;
  const lab = new Uint8Array(n);
  const r = createRng(id);
  for (let z = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      for (let x = 0; x < X; x++) {
        const i = x + X * (y + Y * z);
        const inTumour = x >= 3 && x < 7 && y >= 4 && y < 8 && z >= 2 && z < 6;
        lab[i] = inTumour ? (x === 3 ? 4 : x === 4 ? 1 : 2) : 0;
      }
    }
  }
  if (opts.badSeg) lab[5] = 3;
  for (const [m, mi] of MODS.map((m, i) => [m, i] as const)) {
    const d = new Int16Array(n);
    for (let z = 0; z < Z; z++) {
      for (let y = 0; y < Y; y++) {
        for (let x = 0; x < X; x++) {
          const i = x + X * (y + Y * z);
          const brain = x > 0 && x < X - 1 && y > 0 && y < Y - 1;
          d[i] = brain ? 40 + 30 * mi + lab[i] * 20 + r.int(0, 15) : 0;
        }
      }
    }
    await writeNifti(join(dir, `${id}_${m}.nii`), {
      data: d,
      shape: [X, Y, Z],
      spacing: [1, 1, 1],
      affine: I4,
    });
  }
  const segShape = opts.seg ?? [X, Y, Z];
  await writeNifti(join(dir, `${id}_seg.nii`), {
    data: opts.seg ? new Uint8Array(segShape.reduce((a, b) => a * b, 1)) : lab,
    shape: segShape,
    spacing: [1, 1, 1],
    affine: I4,
  });
  return dir;
}

Deno.test("BraTS normalisation matches the original's truncate() (numpy reference)", async () => {
  const r = createRng(5);
  const data = new Float32Array(600).map((
    _,
    i,
  ) => (i % 5 === 0 ? 0 : Math.round(r.uniform(1, 300))));
  for (let i = 0; i < 40; i++) data[100 + i] = 900 + i; // sparse bright tail gets clipped
  const ours = bratsNormalize(data.slice(), 3);
  const py = refPython(["numpy"]);
  if (!py) return;
  const ref = await runPythonJson<number[]>(
    py,
    `
import json, sys, numpy as np
d = json.load(sys.stdin)
MR = np.array(d["x"], dtype=np.float64)
Hist, _ = np.histogram(MR, bins=int(MR.max()))
idex_max = np.float32(np.argwhere(Hist >= d["t"])[-1, 0])
MR[np.where(MR >= idex_max)] = idex_max
sig = MR[0]
MR = np.where(MR != sig, MR - np.mean(MR[MR != sig]), 0)
MR = np.where(MR != sig, MR / np.std(MR[MR != sig] + 1e-7), 0)
print(json.dumps(MR.tolist()))
`,
    { x: Array.from(data), t: 3 },
  );
  for (let i = 0; i < ref.length; i++) assert.ok(Math.abs(ours[i] - ref[i]) < 1e-4, `${i}`);
});

Deno.test("BraTS datalist + case loading: [D, H, W, 4] image, [ET, WT, TC] targets, errors", async () => {
  const root = await Deno.makeTempDir();
  try {
    const a = await writeCase(root, "Brats18_SYN_0001_1");
    await writeCase(root, "Brats18_SYN_0002_1", { seg: [10, 12, 7] });
    await writeCase(root, "Brats18_SYN_0003_1", { badSeg: true });
    await Deno.mkdir(join(root, "datalist", "BraTS18"), { recursive: true });
    const list = join(root, "datalist", "BraTS18", "BraTS18_train.csv");
    await Deno.writeTextFile(
      list,
      "Training/HGG/Brats18_SYN_0001_1\nTraining/HGG/Brats18_SYN_0002_1 x\n",
    );
    const dirs = await readBratsDatalist(list);
    assert.deepEqual(dirs, [a, join(root, "Training/HGG/Brats18_SYN_0002_1")]);
    const c = await loadBratsCase(a, { countThreshold: 1 });
    assert.deepEqual(c.image.shape, [8, 10, 12, 4]); // (z, x, y, C)
    assert.deepEqual(c.label!.shape, [8, 10, 12, 3]);
    // voxel (x 3, y 5, z 3) is ET: targets ET, WT, TC = 1, 1, 1; x 4 → necrosis: 0, 1, 1; x 5 → 0, 1, 0
    const at = (x: number, y: number, z: number) => ((z * 10 + x) * 12 + y) * 3;
    assert.deepEqual(Array.from(c.label!.data.slice(at(3, 5, 3), at(3, 5, 3) + 3)), [1, 1, 1]);
    assert.deepEqual(Array.from(c.label!.data.slice(at(4, 5, 3), at(4, 5, 3) + 3)), [0, 1, 1]);
    assert.deepEqual(Array.from(c.label!.data.slice(at(5, 5, 3), at(5, 5, 3) + 3)), [0, 1, 0]);
    // background (voxel value = voxel [0,0,0]) is 0 in every channel; foreground is z-scored
    for (let ch = 0; ch < 4; ch++) assert.equal(c.image.data[ch], 0);
    await assert.rejects(
      () => loadBratsCase(dirs[1]),
      (e: Error) =>
        e instanceof DatasetError && /_seg\.nii: shape \[10,12,7\] differs/.test(e.message),
    );
    await assert.rejects(
      () => loadBratsCase(join(root, "Training/HGG/Brats18_SYN_0003_1")),
      (e: Error) => e instanceof DatasetError && /unexpected label values 3/.test(e.message),
    );
    await Deno.writeTextFile(list, "Training/HGG/Brats18_SYN_0009_1\n");
    await assert.rejects(() => readBratsDatalist(list), /line 1: case folder .* not found/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("BraTS patches: shape, label/image alignment, foreground hits, reproducible loader", async () => {
  // image channel 0 = 10·WT target; check the window and flips keep them aligned
  const D = 8, H = 12, W = 12;
  const lab = new Float32Array(D * H * W * 3);
  const img = new Float32Array(D * H * W * 2);
  for (let v = 0; v < D * H * W; v++) {
    const d = Math.floor(v / (H * W)), h = Math.floor(v / W) % H, w = v % W;
    const wt = d >= 5 && h >= 8 && w >= 8 ? 1 : 0;
    lab[3 * v + 1] = wt;
    lab[3 * v] = wt && w === 8 ? 1 : 0;
    img[2 * v] = 10 * wt;
    img[2 * v + 1] = v;
  }
  const c = {
    image: { data: img, shape: [D, H, W, 2] },
    label: { data: lab, shape: [D, H, W, 3] },
  };
  let hits = 0;
  for (let s = 0; s < 60; s++) {
    const p = sampleBratsPatch(c, createRng(s), { patch: [4, 6, 6], margins: [0, 1, 1] });
    assert.deepEqual(p.image.shape, [4, 6, 6, 2]);
    assert.deepEqual(p.label.shape, [4, 6, 6, 3]);
    for (let v = 0; v < 4 * 36; v++) {
      // nearest/linear resize of a 0/10 field can blur the image; compare only unscaled patches
      if (p.image.data[2 * v] === 0 || p.image.data[2 * v] === 10) {
        assert.equal(p.label.data[3 * v + 1], p.image.data[2 * v] / 10);
      }
    }
    if (p.label.data.some((x) => x === 1)) hits++;
  }
  assert.ok(hits > 20, `foreground in ${hits}/60 patches`);
  assert.deepEqual(
    bratsTargets({ data: Float32Array.of(0, 1, 2, 4), shape: [4] }).data,
    Float32Array.of(0, 0, 0, 0, 1, 1, 0, 1, 0, 1, 1, 1),
  );

  const root = await Deno.makeTempDir();
  try {
    const dirs = [
      await writeCase(root, "Brats18_SYN_0001_1"),
      await writeCase(root, "Brats18_SYN_0004_1"),
    ];
    const ds = bratsTrainDataset(dirs, { patch: [4, 6, 6], margins: [0, 1, 1], countThreshold: 1 });
    const run = async () => {
      const out: string[] = [];
      for await (const b of new DataLoader(ds, { batchSize: 2, seed: 3, epochs: 2 }).arrays()) {
        assert.deepEqual(b.shape, [4, 6, 6, 4]);
        assert.deepEqual(b.labelShape, [4, 6, 6, 3]);
        out.push(b.image.join());
      }
      return out;
    };
    assert.deepEqual(await run(), await run());
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("BraTS SliceMaker cache: (4, D, H, W) npz → [D, H, W, 4] + targets; label checks", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const [D, H, W] = [2, 3, 4];
    const n = D * H * W;
    const image = new Float32Array(4 * n).map((_, i) => i);
    const label = new Uint8Array(n);
    label[5] = 4;
    label[6] = 2;
    await writeNpz(join(dir, "B1.npz"), {
      image: { data: image, shape: [4, D, H, W] },
      label: { data: label, shape: [D, H, W] },
    });
    label[7] = 3;
    await writeNpz(join(dir, "B2.npz"), {
      image: { data: image, shape: [4, D, H, W] },
      label: { data: label, shape: [D, H, W] },
    });
    await Deno.writeTextFile(join(dir, "brats_cases.txt"), "B1\nB2\n");
    const paths = await listBratsNpz(dir);
    const c = await loadBratsNpz(paths[0]);
    assert.equal(c.id, "B1");
    assert.deepEqual(c.image.shape, [D, H, W, 4]);
    // [d, h, w, ch] = image[ch, d, h, w] = ch·n + voxel
    assert.equal(c.image.data[5 * 4 + 2], 2 * n + 5);
    assert.deepEqual(Array.from(c.label!.data.slice(15, 21)), [1, 1, 1, 0, 1, 0]);
    await assert.rejects(() => loadBratsNpz(paths[1]), /B2\.npz: unexpected label values 3/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
