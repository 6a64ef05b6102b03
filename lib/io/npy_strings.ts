/**
 * NumPy unicode string arrays (`<U{n}`: UTF-32, zero padded), as `np.save(path, np.array(strs))`
 * writes them — SliceMaker's slice list files are such arrays.
 * @module
 */
import { NpyError } from "./errors.ts";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/**
 * Encode a 1-D list of strings as `.npy` (`<U{longest}`, version 1.0, header padded to 64).
 *
 * @example
 * ```ts
 * import { encodeNpyStrings, parseNpyStrings } from "./npy_strings.ts";
 * const b = encodeNpyStrings(["case_00000_3.npz", "é"]);
 * if (parseNpyStrings(b, "mem.npy").join() !== "case_00000_3.npz,é") throw new Error();
 * ```
 */
export function encodeNpyStrings(items: string[]): Uint8Array {
  const chars = items.map((s) => Array.from(s, (c) => c.codePointAt(0)!));
  const n = Math.max(1, ...chars.map((c) => c.length));
  const shape = `(${items.length},)`;
  let h = `{'descr': '<U${n}', 'fortran_order': False, 'shape': ${shape}, }`;
  h += " ".repeat((64 - ((11 + h.length) % 64)) % 64) + "\n";
  const out = new Uint8Array(10 + h.length + items.length * n * 4);
  out.set([...MAGIC, 1, 0, h.length & 0xff, h.length >> 8]);
  for (let i = 0; i < h.length; i++) out[10 + i] = h.charCodeAt(i);
  const v = new DataView(out.buffer);
  chars.forEach((cs, i) =>
    cs.forEach((cp, c) => v.setUint32(10 + h.length + (i * n + c) * 4, cp, true))
  );
  return out;
}

/** Decode a 1-D `.npy` unicode array (either byte order); throws {@link NpyError} naming `name`. */
export function parseNpyStrings(b: Uint8Array, name: string): string[] {
  if (b.length < 12 || MAGIC.some((m, i) => b[i] !== m)) {
    throw new NpyError(name, "not a .npy file (bad magic)");
  }
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const hl = b[6] === 1 ? v.getUint16(8, true) : v.getUint32(8, true);
  const start = (b[6] === 1 ? 10 : 12) + hl;
  if (start > b.length) throw new NpyError(name, `truncated header (${hl} bytes claimed)`);
  const header = new TextDecoder("latin1").decode(b.subarray(start - hl, start));
  const m = /'descr'\s*:\s*'([<>|=])U(\d+)'/.exec(header);
  const shape = /'shape'\s*:\s*\((\d+),?\s*\)/.exec(header);
  if (!m || !shape) {
    throw new NpyError(name, `expected a 1-D unicode array, header ${header.trim()}`);
  }
  const n = Number(m[2]), count = Number(shape[1]), big = m[1] === ">";
  if (start + count * n * 4 > b.length) {
    throw new NpyError(name, `truncated data: expected ${count * n * 4} bytes`);
  }
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let s = "";
    for (let c = 0; c < n; c++) {
      const cp = v.getUint32(start + (i * n + c) * 4, !big);
      if (cp === 0) break;
      if (cp > 0x10ffff) throw new NpyError(name, `item ${i}: code point ${cp} is not unicode`);
      s += String.fromCodePoint(cp);
    }
    out.push(s);
  }
  return out;
}

/** Read a `.npy` unicode string list from disk. */
export async function readNpyStrings(path: string): Promise<string[]> {
  let b: Uint8Array;
  try {
    b = await Deno.readFile(path);
  } catch (e) {
    throw new NpyError(path, `cannot read: ${(e as Error).message}`, { cause: e });
  }
  return parseNpyStrings(b, path);
}
