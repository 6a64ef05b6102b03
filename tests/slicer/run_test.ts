import assert from "node:assert/strict";
import { markerPath, runSliceMaker, type SliceOptions } from "../../lib/slicer/mod.ts";
import { snapshot, writeKitsCases } from "./_cases.ts";
import { f64, readNpz } from "./_npz.ts";

const base = (dir: string): SliceOptions => ({
  inpath: `${dir}/in`,
  outpath: `${dir}/out`,
  dataset: "kits",
  task: "tumor",
  mode: "train",
  sliceSize: 4,
  force: false,
  workers: 1,
  compress: true,
  histThreshold: 50,
});

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("re-run skips finished cases; --force redoes them", () =>
  withDir(async (dir) => {
    await writeKitsCases(`${dir}/in`, 3);
    const o = base(dir);
    await runSliceMaker(o);
    const before = await Deno.stat(`${dir}/out/train/00001_0.npz`);
    const again = await runSliceMaker(o);
    assert.deepEqual([again.done, again.cached, again.written, again.listed], [0, 3, 0, 3]);
    assert.deepEqual((await Deno.stat(`${dir}/out/train/00001_0.npz`)).mtime, before.mtime);
    const forced = await runSliceMaker({ ...o, force: true });
    assert.deepEqual([forced.done, forced.cached, forced.written], [3, 0, 9]);
  }));

Deno.test("a corrupt case is reported, the others complete; missing segmentation is skipped", () =>
  withDir(async (dir) => {
    await writeKitsCases(`${dir}/in`, 3);
    await Deno.writeFile(`${dir}/in/case_00001/imaging.nii.gz`, Uint8Array.of(0x1f, 0x8b, 8, 0));
    await Deno.remove(`${dir}/in/case_00002/segmentation.nii.gz`);
    const seen: string[] = [];
    const s = await runSliceMaker(base(dir), { onResult: (r) => seen.push(`${r.id}:${r.status}`) });
    assert.deepEqual(seen, ["00000:done", "00001:failed", "00002:skipped"]);
    assert.equal(s.failed.length, 1);
    assert.equal(s.failed[0].id, "00001");
    assert.match(s.failed[0].error, /imaging\.nii\.gz/);
    assert.deepEqual([s.done, s.skipped, s.listed], [1, 1, 1]);
    const files = [...(await snapshot(`${dir}/out/train`)).keys()].filter((k) =>
      k.endsWith(".npz")
    );
    assert.deepEqual(files.sort(), ["00000_0.npz", "00000_1.npz", "00000_2.npz"]);
  }));

Deno.test("re-run after partial output: unfinished case redone, stale temp files removed", () =>
  withDir(async (dir) => {
    await writeKitsCases(`${dir}/in`, 2);
    const o = base(dir);
    await runSliceMaker(o);
    const good = await Deno.readFile(`${dir}/out/train/00000_2.npz`);
    // simulate a run killed inside case 00000: no marker, one truncated slice, a temp file
    await Deno.remove(markerPath(o, "00000"));
    await Deno.writeFile(`${dir}/out/train/00000_2.npz`, good.subarray(0, 10));
    await Deno.writeFile(`${dir}/out/train/.00000_1.npz.tmp-123-4`, new Uint8Array(5));
    const s = await runSliceMaker(o);
    assert.deepEqual([s.done, s.cached, s.written], [1, 1, 3]);
    assert.deepEqual(await Deno.readFile(`${dir}/out/train/00000_2.npz`), good);
    const names = [...(await snapshot(`${dir}/out/train`)).keys()];
    assert.ok(!names.some((n) => n.includes(".tmp-")), names.join());
    assert.equal(f64(readNpz(good).ct)[0], 20);
  }));

Deno.test("--workers 2 writes the same files as 1 (Web Workers)", () =>
  withDir(async (dir) => {
    await writeKitsCases(`${dir}/in`, 3);
    await runSliceMaker({ ...base(dir), outpath: `${dir}/w1` });
    const s = await runSliceMaker({ ...base(dir), outpath: `${dir}/w2`, workers: 2 });
    assert.equal(s.done, 3);
    const a = await snapshot(`${dir}/w1`), b = await snapshot(`${dir}/w2`);
    assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
    for (const [k, v] of a) assert.deepEqual(b.get(k), v, k);
  }));

Deno.test("a corrupt case inside a worker fails alone", () =>
  withDir(async (dir) => {
    await writeKitsCases(`${dir}/in`, 3);
    await Deno.writeFile(`${dir}/in/case_00000/segmentation.nii.gz`, new Uint8Array(400));
    const s = await runSliceMaker({ ...base(dir), workers: 2 });
    assert.deepEqual(s.failed.map((f) => f.id), ["00000"]);
    assert.equal(s.done, 2);
  }));
