/**
 * The readers the fuzz suite exercises, each reduced to a digest of what it loaded and a
 * self-consistency check (element count matches the shape, finite geometry).
 */
import { readCsv } from "../../lib/io/csv.ts";
import { readH5 } from "../../lib/io/h5.ts";
import { readNifti } from "../../lib/io/nifti.ts";
import { type NpyArray, readNpy } from "../../lib/io/npy.ts";
import { readNpz } from "../../lib/io/npz.ts";
import { readPng } from "../../lib/io/png.ts";

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

function arrayDigest(
  name: string,
  a: { data: ArrayLike<number> | ArrayBufferView; shape: number[] },
) {
  const n = prod(a.shape);
  const len = (a.data as { length: number }).length;
  return {
    why: len !== n ? `${name}: data length ${len} ≠ product of shape [${a.shape}]` : undefined,
    digest: `${name}[${a.shape}]${digestArray(a.data)}`,
  };
}

function many(parts: { why?: string; digest: string }[]): LoadDigest {
  const why = parts.map((p) => p.why).filter(Boolean).join("; ") || undefined;
  return { ok: why === undefined, why, digest: parts.map((p) => p.digest).join("|") };
}

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
  async npy(path) {
    return many([arrayDigest("npy", await readNpy(path))]);
  },
  async npz(path) {
    const z = await readNpz(path);
    return many(Object.entries(z).map(([k, a]: [string, NpyArray]) => arrayDigest(k, a)));
  },
  async h5(path) {
    const z = await readH5(path);
    return many(Object.entries(z).map(([k, a]) => arrayDigest(k, a)));
  },
  async png(path) {
    const p = await readPng(path);
    return many([
      arrayDigest(`png${p.bitDepth}`, { data: p.data, shape: [p.height, p.width, p.channels] }),
    ]);
  },
  async csv(path) {
    const rows = await readCsv(path);
    const keys = rows.length ? Object.keys(rows[0]) : [];
    const why = rows.some((r) => Object.keys(r).length !== keys.length)
      ? "rows with differing field counts"
      : undefined;
    return { ok: why === undefined, why, digest: JSON.stringify(rows) };
  },
};
