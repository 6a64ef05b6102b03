/**
 * Small drawing helpers shared by the phantom generators: smooth random fields, separable
 * Gaussian blur, binary dilation and zero-padded names. All randomness comes from an explicit
 * {@link Rng}.
 * @module
 */
import type { Rng } from "../random/mod.ts";

/** Raised when a phantom option is out of range (names the option and the accepted values). */
export class PhantomError extends Error {
  /** @param problem what was wrong, e.g. `cases must be an integer ≥ 1, got 0` */
  constructor(problem: string) {
    super(problem);
    this.name = "PhantomError";
  }
}

/** Zero-pad a non-negative integer: `pad(7, 3) === "007"`. */
export function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/** Check a case count, throwing a {@link PhantomError} naming `what`. */
export function checkCount(n: number, what: string, min = 1, max = Infinity): number {
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new PhantomError(`${what} must be an integer in [${min}, ${max}], got ${n}`);
  }
  return n;
}

/**
 * A smooth random field of the given shape (1 to 3 axes, first axis fastest), built by
 * multilinear interpolation of normal values on a lattice with spacing `cell` voxels, then scaled
 * to zero mean and unit standard deviation.
 *
 * @example
 * ```ts
 * import { smoothField } from "./draw.ts";
 * import { createRng } from "../random/mod.ts";
 * const f = smoothField(createRng(1), [16, 16], 4);
 * const mean = f.reduce((a, b) => a + b, 0) / f.length;
 * if (Math.abs(mean) > 1e-5 || f.length !== 256) throw new Error("not normalised");
 * ```
 */
export function smoothField(rng: Rng, shape: number[], cell: number): Float32Array {
  const dims = [...shape, 1, 1].slice(0, 3);
  const lat = dims.map((d) => Math.floor((d - 1) / cell) + 2);
  const grid = rng.fillNormal(new Float64Array(lat[0] * lat[1] * lat[2]));
  const out = new Float32Array(dims[0] * dims[1] * dims[2]);
  let o = 0;
  for (let k = 0; k < dims[2]; k++) {
    const gz = k / cell, z0 = Math.floor(gz), fz = gz - z0;
    for (let j = 0; j < dims[1]; j++) {
      const gy = j / cell, y0 = Math.floor(gy), fy = gy - y0;
      for (let i = 0; i < dims[0]; i++, o++) {
        const gx = i / cell, x0 = Math.floor(gx), fx = gx - x0;
        let v = 0;
        for (let c = 0; c < 8; c++) {
          const dx = c & 1, dy = (c >> 1) & 1, dz = (c >> 2) & 1;
          const w = (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy) * (dz ? fz : 1 - fz);
          if (w === 0) continue;
          const xi = Math.min(x0 + dx, lat[0] - 1);
          const yi = Math.min(y0 + dy, lat[1] - 1);
          const zi = Math.min(z0 + dz, lat[2] - 1);
          v += w * grid[xi + lat[0] * (yi + lat[1] * zi)];
        }
        out[o] = v;
      }
    }
  }
  return standardise(out);
}

/** Scale an array in place to zero mean and unit (population) standard deviation. */
export function standardise<A extends Float32Array | Float64Array>(a: A): A {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  const mean = s / a.length;
  let q = 0;
  for (let i = 0; i < a.length; i++) q += (a[i] - mean) ** 2;
  const sd = Math.sqrt(q / a.length) || 1;
  for (let i = 0; i < a.length; i++) a[i] = (a[i] - mean) / sd;
  return a;
}

/**
 * Separable Gaussian blur of a 3D array (first axis fastest), edges clamped. Returns a new array.
 *
 * @example
 * ```ts
 * import { gaussianBlur3d } from "./draw.ts";
 * const a = new Float32Array(27); a[13] = 1;
 * const b = gaussianBlur3d(a, [3, 3, 3], 1);
 * if (!(b[13] < 1 && b[13] > b[0])) throw new Error("not blurred");
 * ```
 */
export function gaussianBlur3d(data: ArrayLike<number>, shape: number[], sigma: number) {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float64Array(2 * r + 1);
  let ks = 0;
  for (let i = -r; i <= r; i++) ks += k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= ks;
  let cur = Float32Array.from(data);
  const [nx, ny, nz] = shape;
  const strides = [1, nx, nx * ny];
  for (let ax = 0; ax < 3; ax++) {
    const n = shape[ax], st = strides[ax];
    const next = new Float32Array(cur.length);
    for (let z = 0; z < nz; z++) {
      for (let y = 0; y < ny; y++) {
        for (let x = 0; x < nx; x++) {
          const base = x + nx * (y + ny * z);
          const pos = ax === 0 ? x : ax === 1 ? y : z;
          let v = 0;
          for (let t = -r; t <= r; t++) {
            const p = Math.min(n - 1, Math.max(0, pos + t));
            v += k[t + r] * cur[base + (p - pos) * st];
          }
          next[base] = v;
        }
      }
    }
    cur = next;
  }
  return cur;
}

/**
 * Binary dilation of a 3D mask (first axis fastest) with the 18-connected 3×3×3 element
 * (faces and edges), repeated `iterations` times. Returns a new Uint8Array.
 *
 * @example
 * ```ts
 * import { dilate3d } from "./draw.ts";
 * const m = new Uint8Array(27); m[13] = 1;
 * const d = dilate3d(m, [3, 3, 3], 1);
 * if (d.reduce((a, b) => a + b, 0) !== 19) throw new Error("18-neighbourhood + centre");
 * ```
 */
export function dilate3d(mask: ArrayLike<number>, shape: number[], iterations: number) {
  const [nx, ny, nz] = shape;
  let cur = Uint8Array.from(mask, (v) => (v ? 1 : 0));
  const offs: number[][] = [];
  for (let dz = -1; dz <= 1; dz++) {
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        if (Math.abs(dx) + Math.abs(dy) + Math.abs(dz) <= 2) offs.push([dx, dy, dz]);
      }
    }
  }
  for (let it = 0; it < iterations; it++) {
    const next = new Uint8Array(cur.length);
    for (let z = 0; z < nz; z++) {
      for (let y = 0; y < ny; y++) {
        for (let x = 0; x < nx; x++) {
          if (!cur[x + nx * (y + ny * z)]) continue;
          for (const [dx, dy, dz] of offs) {
            const a = x + dx, b = y + dy, c = z + dz;
            if (a >= 0 && a < nx && b >= 0 && b < ny && c >= 0 && c < nz) {
              next[a + nx * (b + ny * c)] = 1;
            }
          }
        }
      }
    }
    cur = next;
  }
  return cur;
}

/** Distance of (x, y) to the line segment (ax, ay)–(bx, by). */
export function segmentDistance(
  x: number,
  y: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
): number {
  const dx = bx - ax, dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len2)) : 0;
  return Math.hypot(x - ax - t * dx, y - ay - t * dy);
}

/** A 4×4 diagonal affine with the given spacing (zero offsets). */
export function diagAffine(spacing: number[]): number[][] {
  const [a, b, c] = spacing;
  return [[a, 0, 0, 0], [0, b, 0, 0], [0, 0, c, 0], [0, 0, 0, 1]];
}
