/**
 * The readers the fuzz suite exercises, each reduced to a digest of what it loaded and a
 * self-consistency check (element count matches the shape, finite geometry).
 */
import { readNifti } from "../../lib/io/nifti.ts";

/** What one load produced: `ok` false when the result is internally inconsistent. */
export type LoadDigest = { ok: boolean; digest: string; why?: string };

/** FNV-1a over the bytes of a typed array (or any array of numbers). */
export function digestArray(a: ArrayLike<number> | ArrayBufferView): string {
  const bytes = ArrayBuffer.isView(a)
    ? new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
    : new Uint8Array(Float64Array.from(a as ArrayLike<number>).buffer);
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  return `${bytes.length}:${h.toString(16)}`;
}

const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Reader name → loader returning a digest. */
export const READERS: Record<string, (path: string) => Promise<LoadDigest>> = {
  async nifti(path) {
    const v = await readNifti(path);
    const n = prod(v.shape);
    const why = v.data.length !== n
      ? `data length ${v.data.length} ≠ product of shape [${v.shape}]`
      : v.spacing.length < 1
      ? "no spacing"
      : !v.affine.flat().every(Number.isFinite)
      ? `non-finite affine ${JSON.stringify(v.affine)}`
      : undefined;
    return {
      ok: why === undefined,
      why,
      digest: `${v.shape}|${v.spacing}|${v.affine.flat()}|${v.data.constructor.name}|${
        digestArray(v.data)
      }`,
    };
  },
};
