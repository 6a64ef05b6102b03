import assert from "node:assert/strict";
import { join } from "node:path";
import { writePng } from "../../lib/io/png.ts";
import { createRng } from "../../lib/random/mod.ts";
import {
  assertPatientDisjoint,
  cxrTransform,
  DataLoader,
  DatasetError,
  IMAGENET_MEAN,
  IMAGENET_STD,
  openCxrDataset,
  readCxrList,
  readDataEntry,
  resize,
} from "../../lib/datasets/mod.ts";
import { refPython, runPythonJson } from "../_util/reference.ts";

const N = 16;
const grey = (seed: number) =>
  Uint8Array.from({ length: N * N }, (_, i) => (i * 7 + seed * 31) % 256);

async function fixture(root: string) {
  await Deno.mkdir(join(root, "images-224"), { recursive: true });
  await Deno.mkdir(join(root, "labels"), { recursive: true });
  const names = ["00000001_000.png", "00000001_001.png", "00000002_000.png"];
  for (const [i, n] of names.entries()) {
    await writePng(join(root, "images-224", n), {
      data: grey(i),
      width: N,
      height: N,
      channels: 1,
      bitDepth: 8,
    });
  }
  const l = (ones: number[]) =>
    Array.from({ length: 14 }, (_, k) => (ones.includes(k) ? 1 : 0)).join(" ");
  await Deno.writeTextFile(
    join(root, "labels", "train_list_224.txt"),
    `${names[0]} ${l([1, 13])}\n${names[1]} ${l([])}\n${names[2]} ${l([2])}`,
  );
  await Deno.writeTextFile(join(root, "labels", "test_list.txt"), names[2]);
  await Deno.writeTextFile(
    join(root, "Data_Entry_2017.csv"),
    "Image Index,Finding Labels,Follow-up #,Patient ID,Patient Age,Patient Gender,View Position," +
      "OriginalImage[Width,Height],OriginalImagePixelSpacing[x,y],\n" +
      `${names[0]},Cardiomegaly|Hernia,0,1,58,M,PA,1024,1024,0.143,0.143\n` +
      `${names[1]},No Finding,1,1,58,M,PA,1024,1024,0.143,0.143\n` +
      `${names[2]},Effusion,0,2,40,F,AP,1024,1024,0.143,0.143\n`,
  );
  return names;
}

Deno.test("CXR lists, Data_Entry labels agree, leakage guard", async () => {
  const root = await Deno.makeTempDir();
  try {
    const names = await fixture(root);
    const list = await readCxrList(join(root, "labels", "train_list_224.txt"));
    const entry = await readDataEntry(join(root, "Data_Entry_2017.csv"));
    for (const e of list) assert.deepEqual(entry.get(e.name)!.labels, e.labels);
    assert.equal(entry.get(names[2])!.patientId, "2");
    const names1 = await readCxrList(join(root, "labels", "test_list.txt"));
    assert.deepEqual(names1, [{ name: names[2] }]);
    assert.doesNotThrow(() => assertPatientDisjoint(list.slice(0, 2), names1));
    assert.throws(
      () => assertPatientDisjoint(list, names1),
      /1 patient\(s\) also in training, e\.g\. 00000002/,
    );
    await assert.rejects(
      () => openCxrDataset(root, "labels/test_list.txt", { train: false }),
      /no labels for 00000002_000\.png/,
    );
    await Deno.writeTextFile(join(root, "labels", "bad.txt"), `${names[0]} 1 0 1`);
    await assert.rejects(
      () => readCxrList(join(root, "labels", "bad.txt")),
      (e: Error) =>
        e instanceof DatasetError &&
        /bad\.txt: line 1: expected a name and 14 labels/.test(e.message),
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("CXR transforms: ten-crop values, train shapes, reproducible loader batches", async () => {
  const root = await Deno.makeTempDir();
  try {
    await fixture(root);
    const te = await openCxrDataset(root, "labels/train_list_224.txt", {
      train: false,
      resize: N,
      crop: 10,
    });
    const s = await te.get(0, createRng(0));
    assert.deepEqual(s.shape, [10, 10, 10, 3]);
    assert.deepEqual(Array.from(s.label), [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    const g = grey(0);
    const px = (crop: number, r: number, c: number, ch: number) =>
      s.image[((crop * 10 + r) * 10 + c) * 3 + ch];
    const norm = (v: number, ch: number) => (v / 255 - IMAGENET_MEAN[ch]) / IMAGENET_STD[ch];
    // crop 1 = top-right (cols 6..15); crop 5 = mirrored top-left = original cols 15..6
    for (const ch of [0, 2]) {
      assert.ok(Math.abs(px(1, 2, 3, ch) - norm(g[2 * N + 9], ch)) < 1e-5);
      assert.ok(Math.abs(px(5, 2, 3, ch) - norm(g[2 * N + (N - 1 - 3)], ch)) < 1e-5);
      assert.ok(Math.abs(px(4, 0, 0, ch) - norm(g[3 * N + 3], ch)) < 1e-5); // centre offset 3
    }
    const tr = await openCxrDataset(root, "labels/train_list_224.txt", {
      train: true,
      resize: N,
      crop: 8,
    });
    const run = async () => {
      const out: string[] = [];
      for await (const b of new DataLoader(tr, { batchSize: 2, seed: 5, epochs: 2 }).arrays()) {
        assert.deepEqual(b.shape, [8, 8, 3]);
        assert.deepEqual(b.labelShape, [14]);
        out.push(b.image.join());
      }
      return out;
    };
    const a = await run();
    assert.deepEqual(a, await run());
    assert.equal(a.length, 4);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("CXR resize matches PIL bilinear on an 8-bit greyscale image (64 → 32 and 28 → 32)", async () => {
  const py = refPython(["PIL", "numpy"]);
  if (!py) return;
  const r = createRng(1);
  const img = Uint8Array.from({ length: 64 * 64 }, () => r.int(0, 256));
  const small = Uint8Array.from({ length: 28 * 28 }, () => r.int(0, 256));
  const ref = await runPythonJson<{ down: number[]; up: number[] }>(
    py,
    `
import json, sys, numpy as np
from PIL import Image
d = json.load(sys.stdin)
a = Image.fromarray(np.array(d["a"], dtype=np.uint8).reshape(64, 64), "L")
b = Image.fromarray(np.array(d["b"], dtype=np.uint8).reshape(28, 28), "L")
print(json.dumps({"down": np.asarray(a.resize((32, 32), Image.BILINEAR)).ravel().tolist(),
                  "up": np.asarray(b.resize((32, 32), Image.BILINEAR)).ravel().tolist()}))
`,
    { a: Array.from(img), b: Array.from(small) },
  );
  const ours = (src: Uint8Array, n: number) => {
    const x = { data: Float32Array.from(src, (v) => v / 255), shape: [n, n, 1] };
    return Array.from(
      resize(x, [32, 32], "linear", { antialias: true }).data,
      (v) => Math.round(v * 255),
    );
  };
  const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
  assert.ok(maxDiff(ours(img, 64), ref.down) <= 1, `down ${maxDiff(ours(img, 64), ref.down)}`);
  assert.ok(maxDiff(ours(small, 28), ref.up) <= 1, `up ${maxDiff(ours(small, 28), ref.up)}`);
  // and cxrTransform's test path is exactly that resize followed by normalisation
  const t = cxrTransform({
    data: Float32Array.from({ length: 3 * img.length }, (_, i) => img[Math.floor(i / 3)] / 255),
    shape: [64, 64, 3],
  }, {
    train: false,
    resize: 32,
    crop: 32,
    test: "center",
  }, createRng(0));
  const back = Array.from(
    { length: 32 * 32 },
    (_, i) => Math.round((t.data[3 * i] * IMAGENET_STD[0] + IMAGENET_MEAN[0]) * 255),
  );
  assert.ok(maxDiff(back, ref.down) <= 1);
});
