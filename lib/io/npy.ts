/**
 * NumPy `.npy` (format 1.0–3.0) reading and writing, any byte order, C or Fortran order.
 * `.npz` archives live in `npz.ts`.
 *
 * int64 / uint64 arrays come back as Float64Array by default (exact below 2^53; larger values
 * raise {@link NpyError} rather than silently round) or as BigInt64Array / BigUint64Array with
 * `{ int64: "bigint" }`. float16 is read into a Float32Array (dtype stays "float16").
 * @module
 */

import { NpyError } from "./errors.ts";
import {
  convert,
  dtypeOf,
  fortranToC,
  type NpyArray,
  type NpyData,
  type NpyDtype,
  type NpyReadOptions,
  swap,
  toTyped,
} from "./npy_convert.ts";

export type { NpyArray, NpyData, NpyDtype, NpyReadOptions };

const CODES: Record<string, { dtype: NpyDtype; size: number }> = {
  b1: { dtype: "bool", size: 1 },
  i1: { dtype: "int8", size: 1 },
  u1: { dtype: "uint8", size: 1 },
  i2: { dtype: "int16", size: 2 },
  u2: { dtype: "uint16", size: 2 },
  i4: { dtype: "int32", size: 4 },
  u4: { dtype: "uint32", size: 4 },
  i8: { dtype: "int64", size: 8 },
  u8: { dtype: "uint64", size: 8 },
  f2: { dtype: "float16", size: 2 },
  f4: { dtype: "float32", size: 4 },
  f8: { dtype: "float64", size: 8 },
};
const DESCR = Object.fromEntries(Object.entries(CODES).map(([k, v]) => [v.dtype, k])) as Record<
  NpyDtype,
  string
>;

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/**
 * Decode `.npy` bytes. `name` is used in error messages.
 *
 * @example
 * ```ts
 * import { encodeNpy, parseNpy } from "./npy.ts";
 * const bytes = encodeNpy({ data: new Float32Array([1, 2, 3, 4, 5, 6]), shape: [2, 3] });
 * const a = parseNpy(bytes, "mem.npy");
 * if (a.dtype !== "float32" || a.shape.join() !== "2,3" || a.data[5] !== 6) throw new Error();
 * ```
 */
export function parseNpy(bytes: Uint8Array, name: string, opts: NpyReadOptions = {}): NpyArray {
  if (bytes.length === 0) throw new NpyError(name, "empty file");
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) {
    throw new NpyError(name, 'bad magic: expected "\\x93NUMPY"');
  }
  const major = bytes[6];
  if (major < 1 || major > 3) throw new NpyError(name, `format version ${major}, expected 1..3`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenSize = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenSize) throw new NpyError(name, "truncated header");
  const hlen = major === 1 ? v.getUint16(8, true) : v.getUint32(8, true);
  const start = 8 + lenSize + hlen;
  if (start > bytes.length) {
    throw new NpyError(
      name,
      `truncated header: expected ${hlen} bytes, found ${bytes.length - 8 - lenSize}`,
    );
  }
  const dict = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(
    bytes.subarray(8 + lenSize, start),
  );
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(dict)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(dict)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(dict)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new NpyError(
      name,
      `header ${JSON.stringify(dict.trim().slice(0, 120))}: expected descr, fortran_order, shape`,
    );
  }
  const shape = shapeText.split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new NpyError(name, `shape (${shapeText}): expected non-negative integers`);
  }
  const order = descr[0];
  const code = CODES[descr.slice(1)];
  if (!code || !"<>|=".includes(order)) {
    throw new NpyError(
      name,
      `unsupported dtype '${descr}': expected bool, int8..64, uint8..64, float16/32/64`,
    );
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const nbytes = count * code.size;
  if (!Number.isSafeInteger(nbytes) || start + nbytes > bytes.length) {
    throw new NpyError(
      name,
      `truncated: expected ${nbytes} bytes of array data, found ${bytes.length - start}`,
    );
  }
  const raw = new Uint8Array(bytes.subarray(start, start + nbytes)); // a copy, even for a Buffer
  if (order === ">" && code.size > 1) swap(raw, code.size);
  let data = toTyped(raw.buffer, code.dtype, count, name, opts.int64 ?? "number");
  let fortranOrder = fortran === "True";
  if (fortranOrder && opts.cOrder && shape.length > 1) {
    data = fortranToC(data, shape);
    fortranOrder = false;
  }
  return { data, shape, dtype: code.dtype, fortranOrder };
}

/** What {@link encodeNpy} writes: dtype defaults to the typed array's. */
export type NpyInput = {
  data: NpyData | number[];
  shape: number[];
  dtype?: NpyDtype;
  fortranOrder?: boolean;
};

/**
 * Encode an array as `.npy` bytes (format 1.0, little-endian, header padded to 64 bytes).
 * Values are converted when `dtype` differs from the array's type (float16 cannot be written).
 *
 * @example
 * ```ts
 * import { encodeNpy } from "./npy.ts";
 * const b = encodeNpy({ data: new Uint8Array([1, 0, 1]), shape: [3], dtype: "bool" });
 * if (b.length !== 128 + 3 || b[128] !== 1) throw new Error();
 * ```
 */
export function encodeNpy(a: NpyInput, name = "array.npy"): Uint8Array {
  const dtype = a.dtype ?? dtypeOf(a.data);
  const count = a.shape.reduce((x, y) => x * y, 1);
  if (count !== a.data.length) {
    throw new NpyError(name, `shape (${a.shape}) holds ${count} values, data has ${a.data.length}`);
  }
  if (!(dtype in DESCR) || dtype === "float16") {
    throw new NpyError(name, `cannot write dtype "${dtype}"`);
  }
  const sh = a.shape.length === 1 ? `(${a.shape[0]},)` : `(${a.shape.join(", ")})`;
  const order = CODES[DESCR[dtype]].size === 1 ? "|" : "<";
  let dict = `{'descr': '${order}${DESCR[dtype]}', 'fortran_order': ${
    a.fortranOrder ? "True" : "False"
  }, 'shape': ${sh}, }`;
  const pad = 64 - ((10 + dict.length + 1) % 64);
  dict += " ".repeat(pad % 64) + "\n";
  const head = new Uint8Array(10 + dict.length);
  head.set([...MAGIC, 1, 0]);
  new DataView(head.buffer).setUint16(8, dict.length, true);
  head.set(new TextEncoder().encode(dict), 10);
  const body = convert(a.data, dtype);
  const out = new Uint8Array(head.length + body.byteLength);
  out.set(head);
  out.set(new Uint8Array(body.buffer, body.byteOffset, body.byteLength), head.length);
  return out;
}

/**
 * Read a `.npy` file.
 *
 * @example
 * ```ts
 * import { readNpy, writeNpy } from "./npy.ts";
 * const p = await Deno.makeTempFile({ suffix: ".npy" });
 * await writeNpy(p, { data: new Int16Array([1, 2, 3, 4]), shape: [2, 2], fortranOrder: true });
 * const a = await readNpy(p, { cOrder: true });
 * if (a.data.join() !== "1,3,2,4" || a.fortranOrder) throw new Error(); // transposed to C order
 * await Deno.remove(p);
 * ```
 */
export async function readNpy(path: string, opts: NpyReadOptions = {}): Promise<NpyArray> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    throw new NpyError(path, `cannot read: ${(e as Error).message}`, { cause: e });
  }
  return parseNpy(bytes, path, opts);
}

/**
 * Write a `.npy` file (see {@link encodeNpy}).
 *
 * @example
 * ```ts
 * import { writeNpy } from "./npy.ts";
 * const p = await Deno.makeTempFile({ suffix: ".npy" });
 * await writeNpy(p, { data: new Float64Array([0.5]), shape: [] }); // a 0-d scalar
 * if ((await Deno.stat(p)).size !== 128 + 8) throw new Error();
 * await Deno.remove(p);
 * ```
 */
export async function writeNpy(path: string, a: NpyInput): Promise<void> {
  await Deno.writeFile(path, encodeNpy(a, path));
}
