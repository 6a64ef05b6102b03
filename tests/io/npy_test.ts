// .npy / .npz: hand-made bytes, round trips, numpy parity (np.save / np.load) and error cases.
import assert from "node:assert/strict";
import { NpyError } from "../../lib/io/errors.ts";
import { encodeNpy, type NpyData, parseNpy, readNpy, writeNpy } from "../../lib/io/npy.ts";
import { encodeNpz, parseNpz, readNpz, writeNpz } from "../../lib/io/npz.ts";
import { refPython, runPythonJson } from "../_util/reference.ts";

const dir = await Deno.makeTempDir({ prefix: "medkd_npy_" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

const nums = (d: NpyData): unknown[] => Array.from(d as ArrayLike<number>);

/** Hand-built v1.0 .npy: header dict padded to 64 bytes, then `body`. */
function npyBytes(dict: string, body: number[]): Uint8Array {
  const pad = 64 - ((10 + dict.length + 1) % 64);
  const d = dict + " ".repeat(pad % 64) + "\n";
  const out = new Uint8Array(10 + d.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, d.length & 0xff, d.length >> 8]);
  out.set(new TextEncoder().encode(d), 10);
  out.set(body, 10 + d.length);
  return out;
}

Deno.test("parseNpy: hand-made big-endian int16, Fortran order, to C order", () => {
  // [[1, 2, 3], [4, 5, 6]] stored column-major: 1 4 2 5 3 6, big-endian
  const body = [1, 4, 2, 5, 3, 6].flatMap((x) => [0, x]);
  const b = npyBytes("{'descr': '>i2', 'fortran_order': True, 'shape': (2, 3), }", body);
  const raw = parseNpy(b, "h.npy");
  assert.equal(raw.fortranOrder, true);
  assert.deepEqual(nums(raw.data), [1, 4, 2, 5, 3, 6]);
  const c = parseNpy(b, "h.npy", { cOrder: true });
  assert.ok(c.data instanceof Int16Array);
  assert.deepEqual(nums(c.data), [1, 2, 3, 4, 5, 6]);
  assert.equal(c.fortranOrder, false);
});

Deno.test("parseNpy: float16, bool and int64 (number or bigint)", () => {
  // float16: 1.0 = 0x3c00, -2.5 = 0xc100, 2^-24 = 0x0001 (subnormal), inf = 0x7c00
  const f16 = npyBytes("{'descr': '<f2', 'fortran_order': False, 'shape': (4,), }", [
    0x00,
    0x3c,
    0x00,
    0xc1,
    0x01,
    0x00,
    0x00,
    0x7c,
  ]);
  assert.deepEqual(nums(parseNpy(f16, "f.npy").data), [1, -2.5, 2 ** -24, Infinity]);
  const b1 = parseNpy(
    npyBytes("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", [1, 0, 1]),
    "b",
  );
  assert.equal(b1.dtype, "bool");
  assert.deepEqual(nums(b1.data), [1, 0, 1]);
  const i64 = npyBytes("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", [
    ...[0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], // -2
    ...[0, 0, 0, 0, 0, 0, 0x20, 0], // 2^53
  ]);
  assert.deepEqual(nums(parseNpy(i64, "i.npy", { int64: "bigint" }).data), [-2n, 2n ** 53n]);
  assert.throws(
    () => parseNpy(i64, "i.npy"),
    (e: unknown) => e instanceof NpyError && /beyond 2\^53/.test(e.problem),
  );
});

Deno.test("npy/npz round trips every dtype and order", async () => {
  const arrays = {
    f32: { data: new Float32Array([1.5, -2, 3, 4, 5, 6]), shape: [1, 2, 3] },
    f64: { data: new Float64Array([Math.PI]), shape: [] },
    u16f: { data: new Uint16Array([1, 2, 3, 4, 5, 6]), shape: [3, 2], fortranOrder: true },
    i64: { data: [1, -2, 3], shape: [3], dtype: "int64" as const },
    b: { data: [0, 2, 1], shape: [3], dtype: "bool" as const },
    empty: { data: new Int32Array(0), shape: [0, 4] },
  };
  for (const [k, a] of Object.entries(arrays)) {
    const p = `${dir}/${k}.npy`;
    await writeNpy(p, a);
    const r = await readNpy(p);
    assert.deepEqual(r.shape, a.shape, k);
    assert.equal(r.fortranOrder, "fortranOrder" in a, k);
    const want = k === "b" ? [0, 1, 1] : nums(a.data as NpyData);
    assert.deepEqual(nums(r.data), want, k);
  }
  for (const compress of [false, true]) {
    const p = `${dir}/all_${compress}.npz`;
    await writeNpz(p, arrays, { compress });
    const r = await readNpz(p);
    assert.deepEqual(Object.keys(r).sort(), Object.keys(arrays).sort());
    assert.deepEqual(nums(r.f32.data), [1.5, -2, 3, 4, 5, 6]);
    assert.equal(r.i64.dtype, "int64");
  }
});

const numpyCases = `
import json, sys, io, zipfile
import numpy as np
d = json.load(sys.stdin)["dir"]
rng = np.random.default_rng(7)
out = {}
for code in ["?", "i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8", "f2", "f4", "f8"]:
    for bo in ["<", ">"]:
        for order in ["C", "F"]:
            dt = np.dtype(code if code == "?" else bo + code)
            a = (rng.standard_normal((2, 3, 4)) * 50)
            if dt.kind == "u": a = np.abs(a)
            if dt.kind == "b": a = a > 0
            a = np.asarray(a.astype(dt), order=order)
            name = f"{code.replace('?', 'b1')}_{'be' if bo == '>' else 'le'}_{order}.npy"
            np.save(f"{d}/{name}", a)
            out[name] = {"shape": list(a.shape), "vals": a.astype(np.float64).ravel(order="C").tolist(),
                         "fortran": bool(a.flags.f_contiguous and not a.flags.c_contiguous)}
img = rng.standard_normal((5, 6)).astype(np.float32)
lab = (rng.random((5, 6)) > 0.5).astype(np.float32)
np.savez(f"{d}/slice.npz", image=img, label=lab)
np.savez_compressed(f"{d}/slice_c.npz", image=img, label=np.asfortranarray(lab))
for n in ["slice.npz", "slice_c.npz"]:
    out[n] = {"image": img.ravel().astype(float).tolist(), "label": lab.ravel().astype(float).tolist()}
json.dump(out, sys.stdout)
`;

const numpyLoad = `
import json, sys
import numpy as np
out = {}
for f in json.load(sys.stdin):
    if f.endswith(".npz"):
        z = np.load(f)
        out[f] = {k: {"dtype": str(z[k].dtype), "shape": list(z[k].shape), "vals": z[k].astype(float).ravel().tolist()} for k in z.files}
    else:
        a = np.load(f)
        out[f] = {"dtype": str(a.dtype), "shape": list(a.shape), "vals": a.astype(float).ravel().tolist(),
                  "fortran": bool(a.flags.f_contiguous and not a.flags.c_contiguous)}
json.dump(out, sys.stdout)
`;

Deno.test("npy/npz parity with numpy: np.save files read by medkd, medkd files read by np.load", async () => {
  const py = refPython(["numpy"]);
  if (!py) return;
  const sub = await Deno.makeTempDir({ dir, prefix: "np_" });
  type Ref = Record<string, { shape: number[]; vals: number[]; fortran: boolean }>;
  const ref = await runPythonJson<Ref & Record<string, { image: number[]; label: number[] }>>(
    py,
    numpyCases,
    { dir: sub },
  );
  let n = 0;
  for (const [name, r] of Object.entries(ref)) {
    if (name.endsWith(".npz")) {
      const z = await readNpz(`${sub}/${name}`, { cOrder: true });
      assert.deepEqual(nums(z.image.data), r.image, name);
      assert.deepEqual(nums(z.label.data), r.label, name);
      continue;
    }
    const raw = await readNpy(`${sub}/${name}`);
    assert.equal(raw.fortranOrder, r.fortran, name);
    const a = await readNpy(`${sub}/${name}`, { cOrder: true });
    assert.deepEqual(a.shape, r.shape, name);
    assert.deepEqual(nums(a.data as NpyData), r.vals, name);
    n++;
  }
  assert.equal(n, 48);
  // medkd → numpy
  const mine: [string, Parameters<typeof writeNpy>[1]][] = [
    ["w_f32.npy", { data: new Float32Array([0.25, -1, 7]), shape: [3] }],
    ["w_i64.npy", { data: new BigInt64Array([-5n, 9n, 2n ** 40n, 0n]), shape: [2, 2] }],
    ["w_u8f.npy", { data: new Uint8Array([1, 2, 3, 4, 5, 6]), shape: [2, 3], fortranOrder: true }],
    ["w_bool.npy", { data: [1, 0, 0, 1], shape: [4], dtype: "bool" }],
    ["w_scalar.npy", { data: new Float64Array([2.5]), shape: [] }],
  ];
  for (const [f, a] of mine) await writeNpy(`${sub}/${f}`, a);
  const img = { data: new Float32Array([1, 2, 3, 4, 5, 6]), shape: [2, 3] };
  await writeNpz(`${sub}/w.npz`, { image: img, label: { data: new Uint8Array(6), shape: [2, 3] } });
  await writeNpz(`${sub}/wc.npz`, { image: img }, { compress: true });
  const files = [...mine.map(([f]) => `${sub}/${f}`), `${sub}/w.npz`, `${sub}/wc.npz`];
  const back = await runPythonJson<Record<string, Record<string, unknown>>>(py, numpyLoad, files);
  const get = (f: string) => back[`${sub}/${f}`];
  assert.deepEqual(get("w_f32.npy"), {
    dtype: "float32",
    shape: [3],
    vals: [0.25, -1, 7],
    fortran: false,
  });
  assert.deepEqual(get("w_i64.npy"), {
    dtype: "int64",
    shape: [2, 2],
    vals: [-5, 9, 2 ** 40, 0],
    fortran: false,
  });
  assert.deepEqual(get("w_u8f.npy"), {
    dtype: "uint8",
    shape: [2, 3],
    vals: [1, 3, 5, 2, 4, 6],
    fortran: true,
  });
  assert.deepEqual(get("w_bool.npy"), {
    dtype: "bool",
    shape: [4],
    vals: [1, 0, 0, 1],
    fortran: false,
  });
  assert.deepEqual(get("w_scalar.npy"), {
    dtype: "float64",
    shape: [],
    vals: [2.5],
    fortran: false,
  });
  assert.deepEqual(get("w.npz").image, {
    dtype: "float32",
    shape: [2, 3],
    vals: [1, 2, 3, 4, 5, 6],
  });
  assert.deepEqual(get("w.npz").label, { dtype: "uint8", shape: [2, 3], vals: [0, 0, 0, 0, 0, 0] });
  assert.deepEqual(get("wc.npz").image, {
    dtype: "float32",
    shape: [2, 3],
    vals: [1, 2, 3, 4, 5, 6],
  });
});

Deno.test("npy/npz errors are NpyError naming the file", async () => {
  const ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
  const cases: [string, Uint8Array, RegExp][] = [
    ["empty.npy", new Uint8Array(0), /empty file/],
    ["magic.npy", new TextEncoder().encode("PK\x03\x04 not numpy"), /bad magic/],
    [
      "trunc.npy",
      npyBytes(ok, [0, 0, 0x80, 0x3f, 0, 0]),
      /truncated: expected 8 bytes of array data, found 6/,
    ],
    [
      "complex.npy",
      npyBytes("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", []),
      /unsupported dtype '<c8'/,
    ],
    [
      "struct.npy",
      npyBytes("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", []),
      /expected descr/,
    ],
    [
      "huge.npy",
      npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000, 1000), }", [1]),
      /truncated: expected 80000000000000 bytes/,
    ],
    [
      "negshape.npy",
      npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }", []),
      /non-negative/,
    ],
    ["hdr.npy", npyBytes(ok, []).subarray(0, 30), /truncated header/],
  ];
  for (const [f, bytes, re] of cases) {
    const p = `${dir}/${f}`;
    await Deno.writeFile(p, bytes);
    await assert.rejects(readNpy(p), (e: unknown) => {
      assert.ok(e instanceof NpyError, `${f}: ${e}`);
      assert.equal(e.file, p);
      assert.ok(e.message.startsWith(p));
      assert.match(e.problem, re, `${f}: ${e.problem}`);
      return true;
    });
  }
  // npz: not a zip, a corrupt zip, and a bad member (named in the message)
  const z = encodeNpz({ good: { data: new Float32Array(2), shape: [2] } });
  const bad = encodeNpz({ x: { data: new Float32Array(2), shape: [2] } });
  assert.throws(
    () => parseNpz(new Uint8Array([1, 2, 3]), "a.npz"),
    (e: unknown) => e instanceof NpyError && e.file === "a.npz",
  );
  assert.throws(
    () => parseNpz(z.subarray(0, 50), "cut.npz"),
    (e: unknown) => e instanceof NpyError && /corrupt zip/.test(e.problem),
  );
  const hacked = bad.slice();
  const at = hacked.indexOf(0x93); // first member's npy magic
  hacked[at] = 0;
  assert.throws(
    () => parseNpz(hacked, "m.npz"),
    (e: unknown) =>
      e instanceof NpyError && e.file === "m.npz" &&
      e.problem.startsWith('member "x.npy": bad magic'),
  );
  assert.throws(() => encodeNpy({ data: new Float32Array(3), shape: [2, 2] }, "w.npy"), NpyError);
});
