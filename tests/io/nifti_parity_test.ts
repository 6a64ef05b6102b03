// Parity of readNifti / writeNifti with nibabel on generated files (every dtype, both
// endiannesses, scaling, gzip, NIfTI-2, 4D, sform/qform/pixdim-only).
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { readNifti, type Volume, writeNifti, type WriteNiftiOptions } from "../../lib/io/nifti.ts";
import { refPython, runPythonJson } from "../_util/reference.ts";

type RefCase = {
  file: string;
  shape: number[];
  affine: number[][];
  zooms: number[];
  sum: number;
  idx: number[];
  vals: number[];
  dtype: string;
};

const script = () =>
  Deno.readTextFile(
    fileURLToPath(new URL("../../scripts/reference/nifti_cases.py", import.meta.url)),
  );

function close(a: number, b: number, rel: number, what: string) {
  const tol = rel * Math.max(1, Math.abs(b));
  assert.ok(Math.abs(a - b) <= tol, `${what}: medkd ${a} vs nibabel ${b}`);
}

Deno.test("readNifti matches nibabel on generated files", async () => {
  const py = refPython(["nibabel", "numpy"]);
  if (!py) return;
  const dir = await Deno.makeTempDir({ prefix: "medkd_nifti_" });
  try {
    const cases = await runPythonJson<RefCase[]>(py, await script(), { dir });
    assert.ok(cases.length >= 20, `only ${cases.length} cases`);
    for (const c of cases) {
      const v = await readNifti(`${dir}/${c.file}`);
      const what = c.file;
      assert.deepEqual(v.shape, c.shape, `${what} shape`);
      assert.equal(v.spacing.length, c.zooms.length, `${what} spacing`);
      v.spacing.forEach((s, i) => close(s, c.zooms[i], 1e-6, `${what} spacing[${i}]`));
      v.affine.flat().forEach((x, i) => close(x, c.affine.flat()[i], 1e-5, `${what} affine`));
      // scaled data is float32 in medkd, float64 in nibabel: compare at float32 precision
      const scaled = c.dtype === "float64" && !(v.data instanceof Float64Array);
      const rel = scaled ? 1e-6 : 0;
      let sum = 0;
      for (let i = 0; i < v.data.length; i++) sum += v.data[i];
      close(sum, c.sum, scaled ? 1e-5 : 1e-12, `${what} sum`);
      c.idx.forEach((k, i) => close(v.data[k], c.vals[i], rel, `${what} voxel ${k}`));
      const plain = c.dtype.replace(/^[<>|=]/, "");
      if (!scaled && plain !== "float64") {
        const short: Record<string, string> = {
          i1: "int8",
          u1: "uint8",
          i2: "int16",
          u2: "uint16",
          i4: "int32",
          u4: "uint32",
          f4: "float32",
          f8: "float64",
        };
        const want = short[plain] ?? plain;
        assert.equal(v.data.constructor.name.replace("Array", "").toLowerCase(), want, what);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const readBack = `
import json, sys
import nibabel as nib, numpy as np
out = []
for f in json.load(sys.stdin):
    img = nib.load(f)
    d = np.asanyarray(img.dataobj)
    out.append({"shape": list(img.shape), "affine": img.affine.tolist(),
                "qform": img.header.get_qform().tolist(), "zooms": [float(z) for z in img.header.get_zooms()],
                "dtype": str(img.get_data_dtype()), "data": d.ravel(order="F").astype(float).tolist()})
json.dump(out, sys.stdout)
`;

Deno.test("writeNifti output reads back identically in nibabel", async () => {
  const py = refPython(["nibabel", "numpy"]);
  if (!py) return;
  const dir = await Deno.makeTempDir({ prefix: "medkd_nifti_w_" });
  try {
    // float32-representable affines so sform comparison is exact
    const rot = [[0, -1.5, 0, 10.5], [2, 0, 0, -4.25], [0, 0, -3, 7], [0, 0, 0, 1]];
    const eye = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
    const n = 4 * 3 * 2;
    const ramp = (k: number) => Array.from({ length: k }, (_, i) => i * 3 - 20);
    const specs: [string, Volume, WriteNiftiOptions, string][] = [
      ["f32.nii", vol(Float32Array.from(ramp(n), (x) => x / 8), [4, 3, 2], rot), {}, "float32"],
      ["i16.nii.gz", vol(Int16Array.from(ramp(n)), [4, 3, 2], rot), {}, "int16"],
      ["u8.nii", vol(Uint8Array.from(ramp(n), (x) => x + 20), [4, 3, 2], eye), {}, "uint8"],
      ["i8.nii", vol(Int8Array.from(ramp(n)), [4, 3, 2], eye), {}, "int8"],
      ["u16.nii", vol(Uint16Array.from(ramp(n), (x) => x + 20), [4, 3, 2], rot), {}, "uint16"],
      ["i32.nii", vol(Int32Array.from(ramp(n)), [4, 3, 2], rot), {}, "int32"],
      ["u32.nii", vol(Uint32Array.from(ramp(n), (x) => x + 20), [4, 3, 2], rot), {}, "uint32"],
      ["f64.nii.gz", vol(Float64Array.from(ramp(n), (x) => x / 3), [4, 3, 2], rot), {}, "float64"],
      [
        "scaled.nii",
        vol(Float32Array.from(ramp(n), (x) => x * 0.5 + 1), [4, 3, 2], rot),
        { dtype: "int16", slope: 0.5, inter: 1 },
        "int16",
      ],
      ["four_d.nii.gz", vol(Float32Array.from(ramp(n * 3)), [4, 3, 2, 3], rot, 2.5), {}, "float32"],
    ];
    for (const [f, v, o] of specs) await writeNifti(`${dir}/${f}`, v, o);
    const ref = await runPythonJson<
      {
        shape: number[];
        affine: number[][];
        qform: number[][];
        zooms: number[];
        dtype: string;
        data: number[];
      }[]
    >(py, readBack, specs.map(([f]) => `${dir}/${f}`));
    specs.forEach(([f, v, _o, dtype], k) => {
      const r = ref[k];
      assert.deepEqual(r.shape, v.shape, f);
      assert.deepEqual(r.affine, v.affine, `${f} affine`);
      r.qform.flat().forEach((x, i) => close(x, v.affine.flat()[i], 1e-6, `${f} qform`));
      assert.deepEqual(r.zooms, v.spacing, `${f} zooms`);
      assert.equal(r.dtype, dtype, f);
      assert.deepEqual(r.data, Array.from(v.data), `${f} data`);
    });
    // and medkd reads its own files back identically
    for (const [f, v] of specs) {
      const back = await readNifti(`${dir}/${f}`);
      assert.deepEqual(Array.from(back.data), Array.from(v.data), f);
      assert.deepEqual(back.affine, v.affine, f);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

function vol(
  data: Volume["data"],
  shape: number[],
  affine: number[][],
  tr?: number,
): Volume {
  const sp = [0, 1, 2].map((j) => Math.hypot(affine[0][j], affine[1][j], affine[2][j]));
  return { data, shape, spacing: tr === undefined ? sp : [...sp, tr], affine };
}
