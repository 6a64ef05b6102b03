/** Random 3D blob mask pairs (seeded) for surface-metric parity tests and the benchmark. */
import { createRng } from "../../lib/random/mod.ts";

/** Shape first axis fastest ([x, y, z]); returns a truth and a perturbed prediction. */
export function blobPair(
  shape: [number, number, number],
  seed: number,
  opts: { blobs?: number; radius?: [number, number]; jitter?: number; specks?: number } = {},
): { pred: Uint8Array; truth: Uint8Array } {
  const rng = createRng(seed);
  const [X, Y, Z] = shape;
  const truth = new Uint8Array(X * Y * Z), pred = new Uint8Array(X * Y * Z);
  const [rlo, rhi] = opts.radius ?? [0.1, 0.25];
  const jitter = opts.jitter ?? 0.15;
  const paint = (m: Uint8Array, c: number[], r: number[]) => {
    const lo = c.map((ci, a) => Math.max(0, Math.floor(ci - r[a])));
    const hi = c.map((ci, a) => Math.min(shape[a] - 1, Math.ceil(ci + r[a])));
    for (let z = lo[2]; z <= hi[2]; z++) {
      for (let y = lo[1]; y <= hi[1]; y++) {
        for (let x = lo[0]; x <= hi[0]; x++) {
          const q = ((x - c[0]) / r[0]) ** 2 + ((y - c[1]) / r[1]) ** 2 + ((z - c[2]) / r[2]) ** 2;
          if (q <= 1) m[x + X * (y + Y * z)] = 1;
        }
      }
    }
  };
  for (let b = 0; b < (opts.blobs ?? 3); b++) {
    const c = shape.map((s) => rng.uniform(0.25, 0.75) * s);
    const r = shape.map((s) => Math.max(1, rng.uniform(rlo, rhi) * s));
    paint(truth, c, r);
    const cj = c.map((ci, a) => ci + rng.uniform(-jitter, jitter) * r[a]);
    const rj = r.map((ri) => Math.max(1, ri * rng.uniform(1 - jitter, 1 + jitter)));
    paint(pred, cj, rj);
  }
  for (let s = 0; s < (opts.specks ?? 3); s++) pred[rng.int(0, pred.length)] = 1;
  return { pred, truth };
}

/** Base64 of a byte array (for the python reference). */
export function b64(a: Uint8Array): string {
  let s = "";
  for (let i = 0; i < a.length; i += 0x8000) {
    s += String.fromCharCode(...a.subarray(i, i + 0x8000));
  }
  return btoa(s);
}
