/**
 * Byte encoders for SliceMaker's outputs: `.npy` (v1.0), `.npz` (zip, stored or deflated, the
 * way `np.savez` / `np.savez_compressed` write them) and NumPy unicode string arrays. Output is
 * deterministic (fixed zip timestamps), so identical inputs give identical files.
 * @module
 */
import zlib from "node:zlib";

/** A typed array with its NumPy shape (C order). */
export type NpyArray = {
  data: Float64Array | Float32Array | Int8Array | Uint8Array | Int16Array | Uint32Array;
  shape: number[];
  /** Override the NumPy descr (e.g. `<U12` for UTF-32 strings stored in a Uint32Array). */
  descr?: string;
};

function descrOf(a: NpyArray): string {
  if (a.descr) return a.descr;
  if (a.data instanceof Float64Array) return "<f8";
  if (a.data instanceof Float32Array) return "<f4";
  if (a.data instanceof Int8Array) return "|i1";
  if (a.data instanceof Uint8Array) return "|u1";
  if (a.data instanceof Int16Array) return "<i2";
  return "<u4";
}

/**
 * Encode one array as `.npy` version 1.0 (header padded so data start at a multiple of 64).
 *
 * @example
 * ```ts
 * import { encodeNpy } from "./encode.ts";
 * const b = encodeNpy({ data: Int8Array.of(1, 2), shape: [2] });
 * if (b.length !== 130 || b[128] !== 1) throw new Error(String(b.length));
 * ```
 */
export function encodeNpy(a: NpyArray): Uint8Array {
  const shape = a.shape.length === 1 ? `(${a.shape[0]},)` : `(${a.shape.join(", ")})`;
  let h = `{'descr': '${descrOf(a)}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + h.length + 1;
  h += " ".repeat((64 - (total % 64)) % 64) + "\n";
  const body = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const out = new Uint8Array(10 + h.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, h.length & 0xff, h.length >> 8]);
  for (let i = 0; i < h.length; i++) out[10 + i] = h.charCodeAt(i);
  out.set(body, 10 + h.length);
  return out;
}

/**
 * A 1-D NumPy unicode array (`<U{maxlen}`, UTF-32LE, zero padded) of ASCII/BMP strings, as
 * `np.save(path, np.array(list_of_str))` writes it.
 *
 * @example
 * ```ts
 * import { stringArray } from "./encode.ts";
 * const a = stringArray(["ab", "c"]);
 * if (a.descr !== "<U2" || a.data.length !== 4 || a.data[2] !== 99) throw new Error();
 * ```
 */
export function stringArray(items: string[]): NpyArray {
  const n = Math.max(1, ...items.map((s) => s.length));
  const data = new Uint32Array(items.length * n);
  items.forEach((s, i) => {
    for (let c = 0; c < s.length; c++) data[i * n + c] = s.codePointAt(c)!;
  });
  return { data, shape: [items.length], descr: `<U${n}` };
}

function u16(v: DataView, o: number, x: number) {
  v.setUint16(o, x, true);
}
function u32(v: DataView, o: number, x: number) {
  v.setUint32(o, x >>> 0, true);
}

/**
 * Encode `.npz`: a zip holding `<name>.npy` per entry, deflated (as `np.savez_compressed`,
 * zlib level `level`, default 6) or stored (as `np.savez`) when `compress` is false.
 *
 * @example
 * ```ts
 * import { encodeNpz } from "./encode.ts";
 * const z = encodeNpz({ a: { data: Uint8Array.of(7), shape: [1] } }, { compress: false });
 * if (z[0] !== 0x50 || z[1] !== 0x4b) throw new Error("not a zip");
 * ```
 */
export function encodeNpz(
  entries: Record<string, NpyArray>,
  opts: { compress?: boolean; level?: number } = {},
): Uint8Array {
  const compress = opts.compress ?? true;
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const names = Object.keys(entries);
  for (const key of names) {
    const name = new TextEncoder().encode(`${key}.npy`);
    const raw = encodeNpy(entries[key]);
    const crc = (zlib as unknown as { crc32(b: Uint8Array): number }).crc32(raw);
    const body = compress ? zlib.deflateRawSync(raw, { level: opts.level ?? 6 }) : raw;
    const method = compress ? 8 : 0;
    const lh = new Uint8Array(30 + name.length);
    const lv = new DataView(lh.buffer);
    u32(lv, 0, 0x04034b50);
    u16(lv, 4, 20);
    u16(lv, 8, method);
    u16(lv, 10, 0); // time 00:00
    u16(lv, 12, 0x21); // date 1980-01-01
    u32(lv, 14, crc);
    u32(lv, 18, body.length);
    u32(lv, 22, raw.length);
    u16(lv, 26, name.length);
    lh.set(name, 30);
    const ch = new Uint8Array(46 + name.length);
    const cv = new DataView(ch.buffer);
    u32(cv, 0, 0x02014b50);
    u16(cv, 4, 20);
    u16(cv, 6, 20);
    u16(cv, 10, method);
    u16(cv, 14, 0x21);
    u32(cv, 16, crc);
    u32(cv, 20, body.length);
    u32(cv, 24, raw.length);
    u16(cv, 28, name.length);
    u32(cv, 38, 0o100644 << 16);
    u32(cv, 42, offset);
    ch.set(name, 46);
    parts.push(lh, body);
    central.push(ch);
    offset += lh.length + body.length;
  }
  const cdSize = central.reduce((s, c) => s + c.length, 0);
  const eocd = new Uint8Array(22);
  const ev = new DataView(eocd.buffer);
  u32(ev, 0, 0x06054b50);
  u16(ev, 8, names.length);
  u16(ev, 10, names.length);
  u32(ev, 12, cdSize);
  u32(ev, 16, offset);
  const out = new Uint8Array(offset + cdSize + 22);
  let p = 0;
  for (const b of [...parts, ...central, eocd]) (out.set(b, p), p += b.length);
  return out;
}
