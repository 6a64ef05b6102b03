// Hand-built NIfTI bytes: values, affines and every malformed-file error.
import assert from "node:assert/strict";
import zlib from "node:zlib";
import { IoError, NiftiError } from "../../lib/io/errors.ts";
import { readNifti, readNiftiHeader, writeNifti } from "../../lib/io/nifti.ts";
import { encodeNifti1Header } from "../../lib/io/nifti_header.ts";

const dir = await Deno.makeTempDir({ prefix: "medkd_nifti_unit_" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

/** A 2×2×1 int16 NIfTI-1 written byte by byte (little-endian unless `big`). */
function tiny(big = false): Uint8Array {
  const b = new Uint8Array(352 + 8);
  const v = new DataView(b.buffer);
  const le = !big;
  v.setInt32(0, 348, le);
  [3, 2, 2, 1, 1, 1, 1, 1].forEach((d, i) => v.setInt16(40 + 2 * i, d, le));
  v.setInt16(70, 4, le); // int16
  v.setInt16(72, 16, le);
  [1, 0.5, 2, 3].forEach((p, i) => v.setFloat32(76 + 4 * i, p, le));
  v.setFloat32(108, 352, le);
  v.setFloat32(112, 2, le); // slope
  v.setFloat32(116, -1, le); // inter
  b.set([0x6e, 0x2b, 0x31, 0], 344);
  [1, -2, 300, -32768].forEach((x, i) => v.setInt16(352 + 2 * i, x, le));
  return b;
}

async function put(name: string, bytes: Uint8Array): Promise<string> {
  const p = `${dir}/${name}`;
  await Deno.writeFile(p, bytes);
  return p;
}

Deno.test("readNifti: hand-made little- and big-endian files give the same scaled values", async () => {
  for (const big of [false, true]) {
    const v = await readNifti(await put(`tiny_${big}.nii`, tiny(big)));
    assert.ok(v.data instanceof Float32Array);
    assert.deepEqual(Array.from(v.data), [1, -5, 599, -65537]); // raw·2 − 1
    assert.deepEqual(v.shape, [2, 2, 1]);
    assert.deepEqual(v.spacing, [0.5, 2, 3]);
    // no sform/qform: nibabel's base affine, x flipped, centred
    assert.deepEqual(v.affine, [[-0.5, 0, 0, 0.25], [0, 2, 0, -1], [0, 0, 3, 0], [0, 0, 0, 1]]);
    assert.equal(v.header.littleEndian, !big);
  }
});

Deno.test("readNifti: gzip is sniffed from bytes, not the name", async () => {
  const plain = await readNifti(await put("plain_named.nii.gz", tiny()));
  const gz = await readNifti(await put("gz_named.nii", zlib.gzipSync(tiny())));
  assert.deepEqual(Array.from(gz.data), Array.from(plain.data));
  assert.deepEqual((await readNiftiHeader(`${dir}/gz_named.nii`)).shape, [2, 2, 1]);
});

Deno.test("readNifti: .nii.gz voxels at an aligned or odd vox_offset", async () => {
  const t = tiny();
  new DataView(t.buffer).setFloat32(112, 1, true); // no scaling: data stays int16
  new DataView(t.buffer).setFloat32(116, 0, true);
  const odd = new Uint8Array(t.length + 1);
  odd.set(t.subarray(0, 352));
  odd.set(t.subarray(352), 353);
  new DataView(odd.buffer).setFloat32(108, 353, true);
  for (const [name, b] of [["aligned.nii.gz", t], ["odd.nii.gz", odd]] as const) {
    const v = await readNifti(await put(name, zlib.gzipSync(b)));
    assert.ok(v.data instanceof Int16Array, name);
    assert.deepEqual(Array.from(v.data), [1, -2, 300, -32768], name);
    assert.equal(v.data.byteLength, 8, name);
  }
});

Deno.test("readNifti: slope 1 / inter 0 keeps the file's type; slope 0 means no scaling", async () => {
  for (const slope of [1, 0]) {
    const b = tiny();
    new DataView(b.buffer).setFloat32(112, slope, true);
    new DataView(b.buffer).setFloat32(116, slope === 0 ? 7 : 0, true);
    const v = await readNifti(await put(`slope${slope}.nii`, b));
    assert.ok(v.data instanceof Int16Array);
    assert.deepEqual(Array.from(v.data), [1, -2, 300, -32768]);
  }
});

Deno.test("writeNifti: sform and qform both encode the affine; readNifti returns it", async () => {
  const affine = [[-1, 0, 0, 3], [0, 0, 2, -1], [0, 1.5, 0, 4], [0, 0, 0, 1]];
  const p = `${dir}/w.nii`;
  await writeNifti(p, {
    data: new Float32Array(6),
    shape: [1, 2, 3],
    spacing: [1, 1.5, 2],
    affine,
  });
  const h = await readNiftiHeader(p);
  assert.deepEqual(h.srow, affine.slice(0, 3));
  assert.deepEqual(h.pixdim.slice(1, 4), [1, 1.5, 2]);
  const noS = `${dir}/w_q.nii`;
  await writeNifti(noS, { data: new Float32Array(6), shape: [1, 2, 3], spacing: [], affine }, {
    sformCode: 0,
  });
  const q = await readNifti(noS);
  q.affine.flat().forEach((x, i) => assert.ok(Math.abs(x - affine.flat()[i]) < 1e-6));
});

type Case = [string, (b: Uint8Array) => Uint8Array, RegExp];
const set16 = (o: number, x: number) => (b: Uint8Array) => {
  new DataView(b.buffer).setInt16(o, x, true);
  return b;
};
const setF32 = (o: number, x: number) => (b: Uint8Array) => {
  new DataView(b.buffer).setFloat32(o, x, true);
  return b;
};
const cases: Case[] = [
  ["empty", () => new Uint8Array(0), /empty file/],
  ["short_header", (b) => b.subarray(0, 100), /truncated header: expected at least 348/],
  ["bad_sizeof", (b) => (new DataView(b.buffer).setInt32(0, 999, true), b), /sizeof_hdr is 999/],
  ["bad_magic", (b) => (b.set([0x78, 0x78, 0x78, 0], 344), b), /bad magic "xxx"/],
  ["ni1", (b) => (b.set([0x6e, 0x69, 0x31, 0], 344), b), /two-file NIfTI-1/],
  [
    "truncated",
    (b) => b.subarray(0, 352 + 3),
    /truncated: expected 8 bytes of voxel data, found 3/,
  ],
  ["complex", set16(70, 32), /unsupported datatype 32 \(complex64\)/],
  ["int64", set16(70, 1024), /unsupported datatype 1024 \(int64\)/],
  ["zero_dim", set16(44, 0), /dim\[2\] = 0, expected a positive size/],
  ["neg_dim", set16(42, -4), /dim\[1\] = -4/],
  ["dim0", set16(40, 9), /dim\[0\] = 9, expected 1..7/],
  ["nan_pixdim", setF32(80, NaN), /pixdim\[1\] = NaN/],
  ["inf_voxoffset", setF32(108, Infinity), /vox_offset\[0\] = Infinity/],
  ["small_voxoffset", setF32(108, 100), /vox_offset = 100/],
  [
    "nan_qform_pixdim3_2d",
    (b) => setF32(88, NaN)(set16(252, 1)(set16(40, 2)(b))),
    /pixdim\[3\] = NaN/,
  ],
  ["nan_srow", (b) => setF32(284, NaN)(set16(254, 1)(b)), /srow_x\[1\] = NaN/],
  ["inf_inter", setF32(116, Infinity), /scl_inter = Infinity/],
  // 32767³ float64 ≈ 281 TB claimed by a 360-byte file: must fail before allocating
  [
    "terabytes",
    (b) => set16(70, 64)(set16(42, 32767)(set16(44, 32767)(set16(46, 32767)(b)))),
    /truncated: expected 281449207693304 bytes of voxel data, found 8/,
  ],
];

Deno.test("readNifti: malformed files raise NiftiError naming the file", async () => {
  for (const [name, edit, re] of cases) {
    const p = await put(`${name}.nii`, edit(tiny()));
    await assert.rejects(readNifti(p), (e: unknown) => {
      assert.ok(e instanceof NiftiError && e instanceof IoError, `${name}: ${e}`);
      assert.equal(e.file, p);
      assert.ok(e.message.startsWith(`${p}: `), e.message);
      assert.match(e.problem, re, `${name}: ${e.problem}`);
      return true;
    });
  }
});

Deno.test("readNifti: gzip errors (terabyte claim, truncated, corrupt) and missing file", async () => {
  const claim = set16(70, 64)(set16(42, 32767)(set16(44, 32767)(set16(46, 32767)(tiny()))));
  const gzCases: [string, Uint8Array, RegExp][] = [
    ["claim.nii.gz", zlib.gzipSync(claim), /more than a \d+-byte gzip stream can hold/],
    ["cut.nii.gz", zlib.gzipSync(tiny()).subarray(0, 40), /truncated/],
    ["cut_data.nii.gz", zlib.gzipSync(tiny().subarray(0, 356)), /found 4$/],
    [
      "corrupt.nii.gz",
      Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff]),
      /./,
    ],
  ];
  for (const [name, bytes, re] of gzCases) {
    const p = await put(name, bytes);
    await assert.rejects(readNifti(p), (e: unknown) => {
      assert.ok(e instanceof NiftiError, `${name}: ${e}`);
      assert.equal(e.file, p);
      assert.match(e.problem, re, `${name}: ${e.problem}`);
      return true;
    });
  }
  const missing = `${dir}/nope.nii`;
  await assert.rejects(
    readNifti(missing),
    (e: unknown) => e instanceof NiftiError && e.file === missing,
  );
});

Deno.test("readNifti: NIfTI-2 dims beyond 2^53 are rejected", async () => {
  const b = new Uint8Array(544 + 2);
  const v = new DataView(b.buffer);
  v.setInt32(0, 540, true);
  b.set([0x6e, 0x2b, 0x32, 0, 0x0d, 0x0a, 0x1a, 0x0a], 4);
  v.setInt16(12, 2, true);
  [3n, 1n << 60n, 1n, 1n].forEach((d, i) => v.setBigInt64(16 + 8 * i, d, true));
  v.setBigInt64(168, 544n, true);
  const p = await put("huge_n2.nii", b);
  await assert.rejects(
    readNifti(p),
    (e: unknown) => e instanceof NiftiError && /beyond 2\^53/.test(e.problem),
  );
});

Deno.test("writeNifti: inconsistent volumes raise NiftiError", async () => {
  const affine = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
  const p = `${dir}/bad_w.nii`;
  await assert.rejects(
    writeNifti(p, { data: new Float32Array(5), shape: [2, 3], spacing: [1, 1], affine }),
    (e: unknown) => e instanceof NiftiError && /holds 6 voxels, data has 5/.test(e.problem),
  );
  const nanAff = [[NaN, 0, 0, 0], ...affine.slice(1)];
  await assert.rejects(
    writeNifti(p, { data: new Float32Array(6), shape: [2, 3], spacing: [1, 1], affine: nanAff }),
    NiftiError,
  );
  // header helper sanity: what tiny() builds by hand agrees with the encoder's layout
  const enc = encodeNifti1Header({ shape: [2, 2, 1], datatype: 4, pixdim: [1, 0.5, 2, 3] });
  assert.deepEqual(enc.subarray(40, 76), tiny().subarray(40, 76));
});
