/**
 * NumPy `.npz` archives: a zip of `.npy` members, stored (`np.savez`) or deflated
 * (`np.savez_compressed`). Synapse training slices are `.npz` with keys `image` and `label`.
 * @module
 */

import { unzipSync } from "fflate";
import { NpyError } from "./errors.ts";
import { encodeNpy, type NpyArray, type NpyInput, type NpyReadOptions, parseNpy } from "./npy.ts";
import { zipBytes } from "./zip.ts";

/** Deflate cannot expand more than ~1032:1; an entry claiming more is corrupt. */
const MAX_RATIO = 1032;

/**
 * Decode `.npz` bytes into `{ key: array }` (keys without the `.npy` suffix).
 *
 * @example
 * ```ts
 * import { encodeNpz, parseNpz } from "./npz.ts";
 * const z = encodeNpz({ image: { data: new Float32Array(4), shape: [2, 2] } }, { compress: true });
 * const r = parseNpz(z, "mem.npz");
 * if (r.image.shape.join() !== "2,2") throw new Error();
 * ```
 */
export function parseNpz(
  bytes: Uint8Array,
  name: string,
  opts: NpyReadOptions = {},
): Record<string, NpyArray> {
  if (bytes.length === 0) throw new NpyError(name, "empty file");
  if (bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
    throw new NpyError(name, 'bad magic: expected a zip ("PK")');
  }
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter(f) {
        const ok = f.compression === 0
          ? f.originalSize <= f.size
          : f.originalSize <= f.size * MAX_RATIO + 1024;
        if (!ok) {
          throw new NpyError(name, `entry ${f.name} claims ${f.originalSize} bytes from ${f.size}`);
        }
        return true;
      },
    });
  } catch (e) {
    if (e instanceof NpyError) throw e;
    throw new NpyError(name, `corrupt zip: ${(e as Error).message}`, { cause: e });
  }
  const out: Record<string, NpyArray> = {};
  for (const [entry, data] of Object.entries(files)) {
    if (entry.endsWith("/")) continue;
    const key = entry.endsWith(".npy") ? entry.slice(0, -4) : entry;
    try {
      out[key] = parseNpy(data, name, opts);
    } catch (e) {
      if (!(e instanceof NpyError)) throw e;
      throw new NpyError(name, `member ${JSON.stringify(entry)}: ${e.problem}`, { cause: e });
    }
  }
  return out;
}

/** Options of {@link encodeNpz}. */
export type NpzWriteOptions = {
  /** Deflate the members (as `np.savez_compressed`); default false (stored, as `np.savez`). */
  compress?: boolean;
  /** zlib level when compressing (default 6). */
  level?: number;
};

/**
 * Encode `{ key: array }` as `.npz` bytes.
 *
 * @example
 * ```ts
 * import { encodeNpz } from "./npz.ts";
 * const z = encodeNpz({ label: { data: new Uint8Array(9), shape: [3, 3] } });
 * if (z[0] !== 0x50 || z[1] !== 0x4b) throw new Error(); // "PK"
 * ```
 */
export function encodeNpz(
  arrays: Record<string, NpyInput>,
  opts: NpzWriteOptions = {},
  name = "arrays.npz",
): Uint8Array {
  const z: Record<string, Uint8Array> = {};
  for (const [k, a] of Object.entries(arrays)) {
    try {
      z[`${k}.npy`] = encodeNpy(a, name);
    } catch (e) {
      if (!(e instanceof NpyError)) throw e;
      throw new NpyError(name, `member "${k}": ${e.problem}`, { cause: e });
    }
  }
  // Deterministic bytes (fixed member timestamps), deflated by node:zlib.
  return zipBytes(z, opts);
}

/**
 * Read a `.npz` file.
 *
 * @example
 * ```ts
 * import { readNpz, writeNpz } from "./npz.ts";
 * const p = await Deno.makeTempFile({ suffix: ".npz" });
 * const image = { data: new Float32Array([0, 0.5, 1, 1.5]), shape: [2, 2] };
 * await writeNpz(p, { image, label: { data: new Float32Array([0, 1, 1, 0]), shape: [2, 2] } });
 * const r = await readNpz(p);
 * if (r.image.data[3] !== 1.5 || r.label.data[1] !== 1) throw new Error();
 * await Deno.remove(p);
 * ```
 */
export async function readNpz(
  path: string,
  opts: NpyReadOptions = {},
): Promise<Record<string, NpyArray>> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    throw new NpyError(path, `cannot read: ${(e as Error).message}`, { cause: e });
  }
  return parseNpz(bytes, path, opts);
}

/**
 * Write a `.npz` file (stored members unless `{ compress: true }`).
 *
 * @example
 * ```ts
 * import { writeNpz } from "./npz.ts";
 * const p = await Deno.makeTempFile({ suffix: ".npz" });
 * await writeNpz(p, { x: { data: new Float32Array(100), shape: [10, 10] } }, { compress: true });
 * if ((await Deno.stat(p)).size > 300) throw new Error(); // zeros deflate well
 * await Deno.remove(p);
 * ```
 */
export async function writeNpz(
  path: string,
  arrays: Record<string, NpyInput>,
  opts: NpzWriteOptions = {},
): Promise<void> {
  await Deno.writeFile(path, encodeNpz(arrays, opts, path));
}
