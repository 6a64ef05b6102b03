/**
 * PNG reading and writing: 8/16-bit greyscale, grey+alpha, RGB and RGBA. Common layouts are
 * decoded by `png_fast.ts` (native zlib); palette, 1/2/4-bit and interlaced files by `fast-png`,
 * which also encodes.
 * ChestX-ray14 images are 1024×1024 8-bit greyscale (a few RGBA).
 *
 * Reading normalises what a PNG may store: palette images become RGB (RGBA with transparency);
 * 1/2/4-bit greyscale is expanded to 8 bits and scaled to 0..255 (as PIL does).
 * @module
 */

import { convertIndexedToRgb, decode, encode } from "fast-png";
import { PngError } from "./errors.ts";
import { decodePngFast } from "./png_fast.ts";

/** Pixels in row-major order, channels interleaved. */
export type PngImage = {
  data: Uint8Array | Uint16Array;
  width: number;
  height: number;
  /** 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA. */
  channels: 1 | 2 | 3 | 4;
  /** 8 (Uint8Array) or 16 (Uint16Array). */
  bitDepth: 8 | 16;
};

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Check the signature and IHDR so a corrupt header cannot make the decoder allocate gigabytes. */
function checkHeader(b: Uint8Array, name: string): void {
  if (b.length === 0) throw new PngError(name, "empty file");
  if (b.length < 33 || SIGNATURE.some((s, i) => b[i] !== s)) {
    throw new PngError(name, "bad signature: expected a PNG file");
  }
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (String.fromCharCode(...b.subarray(12, 16)) !== "IHDR") {
    throw new PngError(name, "first chunk is not IHDR");
  }
  const [w, h, depth, colour] = [v.getUint32(16), v.getUint32(20), b[24], b[25]];
  const ch = CHANNELS[colour];
  if (!w || !h || !ch || ![1, 2, 4, 8, 16].includes(depth)) {
    throw new PngError(name, `IHDR ${w}×${h}, depth ${depth}, colour type ${colour}: unsupported`);
  }
  const raw = h * (1 + Math.ceil((w * ch * depth) / 8));
  if (raw > b.length * 1032 + 4096) {
    throw new PngError(name, `IHDR claims ${w}×${h} pixels, more than ${b.length} bytes can hold`);
  }
}

function unpack(d: Uint8Array, w: number, h: number, ch: number, depth: number): Uint8Array {
  const out = new Uint8Array(w * h * ch);
  const rowBytes = Math.ceil((w * ch * depth) / 8);
  const scale = 255 / ((1 << depth) - 1);
  const perByte = 8 / depth;
  const mask = (1 << depth) - 1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w * ch; x++) {
      const byte = d[y * rowBytes + Math.floor(x / perByte)];
      const shift = 8 - depth * ((x % perByte) + 1);
      out[y * w * ch + x] = Math.round(((byte >> shift) & mask) * scale);
    }
  }
  return out;
}

/**
 * Decode PNG bytes.
 *
 * @example
 * ```ts
 * import { decodePngBytes, encodePngBytes } from "./png.ts";
 * const img = { data: new Uint16Array([0, 1000, 65535, 7]), width: 2, height: 2, channels: 1 as const, bitDepth: 16 as const };
 * const back = decodePngBytes(encodePngBytes(img), "mem.png");
 * if (back.bitDepth !== 16 || back.data[2] !== 65535) throw new Error();
 * ```
 */
export function decodePngBytes(bytes: Uint8Array, name: string): PngImage {
  checkHeader(bytes, name);
  const fast = decodePngFast(bytes, name);
  if (fast) return fast;
  let p;
  try {
    p = decode(bytes);
  } catch (e) {
    throw new PngError(name, `corrupt PNG: ${(e as Error).message}`, { cause: e });
  }
  const { width, height } = p;
  let data = p.data as Uint8Array | Uint16Array;
  let channels = p.channels;
  if (p.palette) {
    data = convertIndexedToRgb(p) as Uint8Array;
    channels = data.length / (width * height);
  } else if (p.depth < 8) {
    data = unpack(data as Uint8Array, width, height, channels, p.depth);
  }
  if (data.length !== width * height * channels) {
    throw new PngError(
      name,
      `decoded ${data.length} values, expected ${width}×${height}×${channels}`,
    );
  }
  const bitDepth = data instanceof Uint16Array ? 16 : 8;
  if (!(data instanceof Uint16Array) && !(data instanceof Uint8Array)) data = new Uint8Array(data);
  return { data, width, height, channels: channels as PngImage["channels"], bitDepth };
}

/**
 * Encode an image as PNG bytes (8-bit from a Uint8Array, 16-bit from a Uint16Array).
 *
 * @example
 * ```ts
 * import { encodePngBytes } from "./png.ts";
 * const png = encodePngBytes({ data: new Uint8Array(12), width: 2, height: 2, channels: 3, bitDepth: 8 });
 * if (png[1] !== 0x50) throw new Error(); // "\x89PNG"
 * ```
 */
export function encodePngBytes(img: PngImage, name = "image.png"): Uint8Array {
  const { width, height, channels, bitDepth, data } = img;
  if (![1, 2, 3, 4].includes(channels)) {
    throw new PngError(name, `channels ${channels}: expected 1..4`);
  }
  if (data.length !== width * height * channels) {
    throw new PngError(
      name,
      `${width}×${height}×${channels} needs ${
        width * height * channels
      } values, data has ${data.length}`,
    );
  }
  const want = bitDepth === 16 ? Uint16Array : Uint8Array;
  if (!(data instanceof want)) {
    throw new PngError(
      name,
      `bitDepth ${bitDepth} needs a ${want.name}, got ${data.constructor.name}`,
    );
  }
  return encode({ width, height, data, channels, depth: bitDepth });
}

/**
 * Read a PNG file.
 *
 * @example
 * ```ts
 * import { readPng, writePng } from "./png.ts";
 * const p = await Deno.makeTempFile({ suffix: ".png" });
 * await writePng(p, { data: new Uint8Array([0, 128, 255, 64]), width: 4, height: 1, channels: 1, bitDepth: 8 });
 * const img = await readPng(p);
 * if (img.width !== 4 || img.data[2] !== 255 || img.channels !== 1) throw new Error();
 * await Deno.remove(p);
 * ```
 */
export async function readPng(path: string): Promise<PngImage> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    throw new PngError(path, `cannot read: ${(e as Error).message}`, { cause: e });
  }
  return decodePngBytes(bytes, path);
}

/**
 * Write a PNG file (see {@link encodePngBytes}).
 *
 * @example
 * ```ts
 * import { writePng } from "./png.ts";
 * const p = await Deno.makeTempFile({ suffix: ".png" });
 * await writePng(p, { data: new Uint8Array(16), width: 2, height: 2, channels: 4, bitDepth: 8 });
 * await Deno.remove(p);
 * ```
 */
export async function writePng(path: string, img: PngImage): Promise<void> {
  await Deno.writeFile(path, encodePngBytes(img, path));
}
