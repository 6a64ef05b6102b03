/**
 * A minimal, deterministic zip writer (what `.npz` needs): stored or deflated members, fixed
 * timestamps (1980-01-01 00:00) so identical inputs give identical bytes, deflate by `node:zlib`
 * (several times faster than a JavaScript deflate on large slices).
 * @module
 */
import zlib from "node:zlib";

const crc32 = (zlib as unknown as { crc32(b: Uint8Array): number }).crc32;

function u16(v: DataView, o: number, x: number) {
  v.setUint16(o, x, true);
}
function u32(v: DataView, o: number, x: number) {
  v.setUint32(o, x >>> 0, true);
}

/** Options of {@link zipBytes}. */
export type ZipOptions = {
  /** Deflate members (default false: stored). */
  compress?: boolean;
  /** zlib level 1..9 when compressing (default 6, as Python's zipfile). */
  level?: number;
};

/**
 * Zip `{ name: bytes }` in insertion order.
 *
 * @example
 * ```ts
 * import { zipBytes } from "./zip.ts";
 * const a = zipBytes({ "a.txt": new Uint8Array([1, 2, 3]) }, { compress: true });
 * const b = zipBytes({ "a.txt": new Uint8Array([1, 2, 3]) }, { compress: true });
 * if (a[0] !== 0x50 || a.join() !== b.join()) throw new Error("not a deterministic zip");
 * ```
 */
export function zipBytes(members: Record<string, Uint8Array>, opts: ZipOptions = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const names = Object.keys(members);
  for (const key of names) {
    const name = new TextEncoder().encode(key);
    const raw = members[key];
    const crc = crc32(raw);
    const body = opts.compress ? zlib.deflateRawSync(raw, { level: opts.level ?? 6 }) : raw;
    const method = opts.compress ? 8 : 0;
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
  for (const b of [...parts, ...central, eocd]) {
    out.set(b, p);
    p += b.length;
  }
  return out;
}
