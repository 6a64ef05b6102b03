// HDF5 via h5wasm: round trips, row slices, h5py parity (when python3-h5py is installed) and
// contained errors.
import assert from "node:assert/strict";
import { H5Error } from "../../lib/io/errors.ts";
import { type H5Array, readH5, readH5Dataset, writeH5 } from "../../lib/io/h5.ts";
import { findPython, runPythonJson } from "../_util/reference.ts";

const nums = (d: H5Array["data"]): unknown[] => Array.from(d as ArrayLike<number>);
const dir = await Deno.makeTempDir({ prefix: "medkd_h5_" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

Deno.test("writeH5/readH5: Synapse-like volume round trip, gzip, row slices", async () => {
  const [d, h, w] = [3, 4, 5];
  const image = Float32Array.from({ length: d * h * w }, (_, i) => i * 0.25 - 3);
  const label = Uint8Array.from({ length: d * h * w }, (_, i) => i % 9);
  for (const gzip of [undefined, 6]) {
    const p = `${dir}/case0001_${gzip}.npy.h5`;
    await writeH5(p, {
      image: { data: image, shape: [d, h, w] },
      label: { data: label, shape: [d, h, w] },
    }, {
      gzip,
    });
    const all = await readH5(p);
    assert.deepEqual(all.image.shape, [d, h, w]);
    assert.equal(all.image.dtype, "float32");
    assert.deepEqual(nums(all.image.data), Array.from(image));
    assert.deepEqual(nums(all.label.data), Array.from(label));
    const mid = await readH5Dataset(p, "label", { rows: [1, 3] });
    assert.deepEqual(mid.shape, [2, h, w]);
    assert.deepEqual(nums(mid.data), Array.from(label.subarray(h * w, 3 * h * w)));
  }
});

Deno.test("readH5: errors are H5Error naming the file, with nothing printed", async () => {
  const good = `${dir}/good.h5`;
  await writeH5(good, { x: { data: new Float32Array(4), shape: [2, 2] } });
  const bytes = await Deno.readFile(good);
  const files: [string, Uint8Array, RegExp][] = [
    ["empty.h5", new Uint8Array(0), /empty file/],
    ["text.h5", new TextEncoder().encode("hello"), /bad signature/],
    ["big_text.h5", new TextEncoder().encode("x".repeat(5000)), /cannot open as HDF5: .*signature/],
    ["cut.h5", bytes.subarray(0, Math.floor(bytes.length / 2)), /cannot open as HDF5: .*truncated/],
  ];
  for (const [f, b, re] of files) {
    const p = `${dir}/${f}`;
    await Deno.writeFile(p, b);
    for (const read of [() => readH5(p), () => readH5Dataset(p, "x")]) {
      await assert.rejects(read(), (e: unknown) => {
        assert.ok(e instanceof H5Error, `${f}: ${e}`);
        assert.equal(e.file, p);
        assert.match(e.problem, re, `${f}: ${e.problem}`);
        return true;
      });
    }
  }
  const check = (re: RegExp) => (e: unknown) =>
    e instanceof H5Error && e.file === good && re.test(e.problem);
  await assert.rejects(readH5Dataset(good, "nope"), check(/no dataset "nope"/));
  await assert.rejects(readH5Dataset(good, "x", { rows: [1, 5] }), check(/rows \[1, 5\) outside/));
  await assert.rejects(readH5(`${dir}/missing.h5`), H5Error);
  await assert.rejects(
    writeH5(`${dir}/w.h5`, { x: { data: new Float32Array(3), shape: [2, 2] } }),
    (e: unknown) => e instanceof H5Error && /holds 4 values, data has 3/.test(e.problem),
  );
});

const h5pyWrite = `
import json, sys
import h5py, numpy as np
d = json.load(sys.stdin)["dir"]
rng = np.random.default_rng(3)
img = rng.standard_normal((4, 6, 5)).astype(np.float32)
lab = rng.integers(0, 9, (4, 6, 5)).astype(np.float32)
with h5py.File(f"{d}/case0001.npy.h5", "w") as f:
    f["image"] = img
    f["label"] = lab
    f.create_dataset("be_f8", data=np.arange(6, dtype=">f8").reshape(2, 3) / 7)
    f.create_dataset("gz_i2", data=np.arange(-6, 6, dtype="<i2").reshape(3, 4), compression="gzip", chunks=(1, 4))
    f.create_dataset("u16", data=np.array([0, 65535], dtype="u2"))
    f.create_dataset("i8", data=np.array([-(2**40), 3], dtype=">i8"))
    f.create_dataset("flags", data=np.array([True, False, True]))
    f.create_dataset("grp/inner", data=np.ones((2, 2), "i4"))
    f.create_dataset("name", data=b"case0001")
json.dump({"image": img.ravel().tolist(), "label": lab.ravel().tolist()}, sys.stdout)
`;

const h5pyRead = `
import json, sys
import h5py, numpy as np
out = {}
with h5py.File(json.load(sys.stdin), "r") as f:
    for k in ["image", "label", "grp/x"]:
        out[k] = {"dtype": str(f[k].dtype), "shape": list(f[k].shape), "vals": f[k][()].astype(float).ravel().tolist()}
json.dump(out, sys.stdout)
`;

Deno.test("h5 parity with h5py: h5py files read by medkd, medkd files read by h5py", async () => {
  const py = findPython(["h5py", "numpy"]);
  if (!py) {
    console.warn("skipped: python3 with h5py not found (Debian: apt-get install python3-h5py)");
    return;
  }
  const ref = await runPythonJson<{ image: number[]; label: number[] }>(py, h5pyWrite, { dir });
  const p = `${dir}/case0001.npy.h5`;
  const all = await readH5(p);
  assert.deepEqual(
    Object.keys(all).sort(),
    ["be_f8", "flags", "grp/inner", "gz_i2", "i8", "image", "label", "u16"],
  );
  assert.deepEqual(all.image.shape, [4, 6, 5]);
  assert.deepEqual(nums(all.image.data), ref.image);
  assert.deepEqual(nums(all.label.data), ref.label);
  assert.deepEqual(nums(all.be_f8.data), [0, 1, 2, 3, 4, 5].map((x) => x / 7));
  assert.equal(all.be_f8.dtype, "float64");
  assert.deepEqual(nums(all.gz_i2.data), [-6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5]);
  assert.deepEqual(nums(all.u16.data), [0, 65535]);
  assert.deepEqual(nums(all.i8.data), [-(2 ** 40), 3]);
  assert.equal(all.flags.dtype, "bool");
  assert.deepEqual(nums(all.flags.data), [1, 0, 1]);
  assert.deepEqual(all["grp/inner"].shape, [2, 2]);
  await assert.rejects(
    readH5Dataset(p, "name"),
    (e: unknown) => e instanceof H5Error && /non-numeric/.test(e.problem),
  );
  const slice = await readH5Dataset(p, "image", { rows: [2, 3] });
  assert.deepEqual(nums(slice.data), ref.image.slice(60, 90));

  const w = `${dir}/medkd.h5`;
  const image = Float32Array.from({ length: 2 * 3 * 2 }, (_, i) => i / 4);
  await writeH5(w, {
    image: { data: image, shape: [2, 3, 2] },
    label: { data: new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), shape: [2, 3, 2] },
    "grp/x": { data: new Int16Array([-1, 2]), shape: [2] },
  }, { gzip: 4 });
  const back = await runPythonJson<
    Record<string, { dtype: string; shape: number[]; vals: number[] }>
  >(
    py,
    h5pyRead,
    w,
  );
  assert.deepEqual(back.image, { dtype: "float32", shape: [2, 3, 2], vals: Array.from(image) });
  assert.deepEqual(back.label, {
    dtype: "uint8",
    shape: [2, 3, 2],
    vals: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
  });
  assert.deepEqual(back["grp/x"], { dtype: "int16", shape: [2], vals: [-1, 2] });
});
