/**
 * A fast path for the PNGs medical datasets use (non-interlaced, 8/16-bit grey, grey+alpha, RGB,
 * RGBA): chunks are walked here, IDAT is inflated by native `node:zlib` and rows are unfiltered
 * in one pass — about 10× faster than a pure-JS decoder on 1024×1024 images. Other layouts
 * (palette, 1/2/4-bit, Adam7) are left to `fast-png` (the caller falls back on `null`).
 * @module
 */

import zlib from "node:zlib";
import { PngError } from "./errors.ts";

/** Decoded pixels (row-major, channels interleaved; 16-bit samples in a Uint16Array). */
export type FastPng = {
  data: Uint8Array | Uint16Array;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  bitDepth: 8 | 16;
};

const CHANNELS: Record<number, 1 | 2 | 3 | 4> = { 0: 1, 4: 2, 2: 3, 6: 4 };

/**
 * Decode `bytes` (signature and IHDR already checked) or return null when the layout is not
 * one the fast path handles.
 *
 * @example
 * ```ts
 * import { decodePngFast } from "./png_fast.ts";
 * import { encode } from "fast-png";
 * const png = encode({ width: 2, height: 1, data: new Uint8Array([7, 9]), channels: 1, depth: 8 });
 * if (decodePngFast(png, "mem.png")?.data.join() !== "7,9") throw new Error();
 * ```
 */
export function decodePngFast(bytes: Uint8Array, name: string): FastPng | null {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [width, height, depth, colour, interlace] = [
    v.getUint32(16),
    v.getUint32(20),
    bytes[24],
    bytes[25],
    bytes[28],
  ];
  const channels = CHANNELS[colour];
  if (!channels || interlace !== 0 || (depth !== 8 && depth !== 16)) return null;
  const parts: Uint8Array[] = [];
  let size = 0;
  for (let at = 8; at < bytes.length;) {
    if (at + 12 > bytes.length) throw new PngError(name, `truncated chunk header at byte ${at}`);
    const len = v.getUint32(at);
    const type = String.fromCharCode(bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]);
    if (at + 12 + len > bytes.length) {
      throw new PngError(name, `truncated: chunk ${type} at byte ${at} needs ${len} bytes`);
    }
    if (type === "IDAT") {
      parts.push(bytes.subarray(at + 8, at + 8 + len));
      size += len;
    }
    if (type === "IEND") break;
    at += 12 + len;
  }
  if (size === 0) throw new PngError(name, "no IDAT chunk (no image data)");
  const idat = parts.length === 1 ? parts[0] : new Uint8Array(size);
  if (parts.length > 1) parts.reduce((o, p) => (idat.set(p, o), o + p.length), 0);
  const bpp = (channels * depth) / 8;
  const stride = width * bpp;
  const expected = height * (stride + 1);
  let raw: Uint8Array;
  try {
    raw = zlib.inflateSync(idat, {
      maxOutputLength: expected,
      finishFlush: zlib.constants.Z_SYNC_FLUSH,
    });
  } catch (e) {
    throw new PngError(name, `corrupt image data: ${(e as Error).message}`, { cause: e });
  }
  if (raw.length < expected) {
    throw new PngError(
      name,
      `truncated image data: expected ${expected} bytes, found ${raw.length}`,
    );
  }
  const out = new Uint8Array(height * stride);
  unfilter(raw, out, height, stride, bpp, name);
  if (depth === 8) return { data: out, width, height, channels, bitDepth: 8 };
  const d16 = new Uint16Array(width * height * channels);
  for (let i = 0; i < d16.length; i++) d16[i] = (out[2 * i] << 8) | out[2 * i + 1];
  return { data: d16, width, height, channels, bitDepth: 16 };
}

/** Undo the per-row PNG filters (None, Sub, Up, Average, Paeth) into `out`. */
function unfilter(
  raw: Uint8Array,
  out: Uint8Array,
  h: number,
  stride: number,
  bpp: number,
  name: string,
) {
  for (let y = 0; y < h; y++) {
    const f = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    const up = row - stride; // previous row in `out` (y > 0)
    switch (f) {
      case 0:
        out.set(raw.subarray(src, src + stride), row);
        break;
      case 1:
        for (let x = 0; x < stride; x++) {
          out[row + x] = raw[src + x] + (x >= bpp ? out[row + x - bpp] : 0);
        }
        break;
      case 2:
        for (let x = 0; x < stride; x++) out[row + x] = raw[src + x] + (y > 0 ? out[up + x] : 0);
        break;
      case 3:
        for (let x = 0; x < stride; x++) {
          const a = x >= bpp ? out[row + x - bpp] : 0;
          const b = y > 0 ? out[up + x] : 0;
          out[row + x] = raw[src + x] + ((a + b) >> 1);
        }
        break;
      case 4:
        for (let x = 0; x < stride; x++) {
          const a = x >= bpp ? out[row + x - bpp] : 0;
          const b = y > 0 ? out[up + x] : 0;
          const c = x >= bpp && y > 0 ? out[up + x - bpp] : 0;
          const p = a + b - c;
          const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
          out[row + x] = raw[src + x] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
        }
        break;
      default:
        throw new PngError(name, `row ${y}: unknown filter type ${f}`);
    }
  }
}
