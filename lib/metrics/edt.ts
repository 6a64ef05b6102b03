/**
 * Exact Euclidean distance transform (Felzenszwalb–Huttenlocher lower envelope of parabolas,
 * separable over axes, linear time) with anisotropic voxel spacing, plus mask borders as medpy and
 * MONAI define them (mask minus its erosion by the face-connected cross, outside = 0).
 *
 * Layout: `shape` lists axes with the FIRST axis varying fastest (NIfTI / {@link Volume} order,
 * `[x, y, z]`). Up to three axes.
 *
 * @module
 */

/** Thrown for a malformed mask, shape or spacing. */
export class MetricsShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MetricsShapeError";
  }
}

/** A mask: any array-like of 0/1 (non-zero counts as 1, booleans allowed). */
export type Mask = ArrayLike<number | boolean>;

/** Shape/spacing normalised to three axes, first fastest. */
export type Grid = {
  dims: [number, number, number];
  spacing: [number, number, number];
  nd: number;
};

/**
 * Normalise `shape` (1–3 axes) and `spacing` (default 1 per axis), checking `length`.
 * `order: "C"` means the LAST axis varies fastest (numpy / TF.js row-major): shape and spacing
 * are reversed so that the rest of the code sees first-fastest order.
 */
export function makeGrid(
  shape: ArrayLike<number>,
  spacing: ArrayLike<number> | undefined,
  length: number,
  order: "F" | "C" = "F",
): Grid {
  const nd = shape.length;
  if (nd < 1 || nd > 3) throw new MetricsShapeError(`metrics: shape must have 1–3 axes, got ${nd}`);
  let sh = Array.from(shape);
  let sp = spacing ? Array.from(spacing) : sh.map(() => 1);
  if (sp.length !== nd) {
    throw new MetricsShapeError(`metrics: spacing has ${sp.length} values, shape has ${nd} axes`);
  }
  if (sp.some((s) => !(s > 0) || !Number.isFinite(s))) {
    throw new MetricsShapeError(`metrics: spacing must be positive and finite, got [${sp}]`);
  }
  if (order === "C") {
    sh = sh.reverse();
    sp = sp.reverse();
  }
  const n = sh.reduce((a, b) => a * b, 1);
  if (n !== length) {
    throw new MetricsShapeError(
      `metrics: shape [${Array.from(shape)}] holds ${n} voxels, mask has ${length}`,
    );
  }
  while (sh.length < 3) {
    sh.push(1);
    sp.push(1);
  }
  return { dims: sh as [number, number, number], spacing: sp as [number, number, number], nd };
}

/** Copy a mask into a Uint8Array of 0/1 (a Uint8Array of 0/1 is returned as is). */
export function toBinary(mask: Mask): Uint8Array {
  const n = mask.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = mask[i] ? 1 : 0;
  return out;
}

/**
 * Border of a binary mask: voxels of `m` with at least one face neighbour (along the first
 * `grid.nd` axes) that is 0 or outside the array — `m XOR binary_erosion(m)` in scipy with the
 * connectivity-1 structure and border value 0, as medpy and MONAI compute surfaces.
 *
 * @example
 * ```ts
 * import { border, makeGrid } from "./edt.ts";
 * const m = new Uint8Array(25).fill(0);
 * for (let y = 1; y < 4; y++) for (let x = 1; x < 4; x++) m[x + 5 * y] = 1;
 * const b = border(m, makeGrid([5, 5], undefined, 25));
 * if (b[12] !== 0 || b[6] !== 1) throw new Error("centre is interior, corner is border");
 * ```
 */
export function border(m: Uint8Array, grid: Grid): Uint8Array {
  const [X, Y, Z] = grid.dims;
  const nd = grid.nd;
  const XY = X * Y;
  const out = new Uint8Array(m.length);
  for (let z = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      const row = z * XY + y * X;
      for (let x = 0; x < X; x++) {
        const i = row + x;
        if (!m[i]) continue;
        let edge = x === 0 || x === X - 1 || !m[i - 1] || !m[i + 1];
        if (!edge && nd >= 2) edge = y === 0 || y === Y - 1 || !m[i - X] || !m[i + X];
        if (!edge && nd >= 3) edge = z === 0 || z === Z - 1 || !m[i - XY] || !m[i + XY];
        if (edge) out[i] = 1;
      }
    }
  }
  return out;
}

/**
 * 1D squared distance transform (Felzenszwalb & Huttenlocher 2012) of `f` (length n, +Infinity
 * where there is no feature) with sample spacing `w`, written to `d`. `v`, `zb` are scratch
 * (length ≥ n and ≥ n + 1). Returns false (and leaves `d` untouched) when `f` has no feature.
 */
function dt1d(
  f: Float64Array,
  off: number,
  n: number,
  w2: number,
  d: Float64Array,
  v: Int32Array,
  zb: Float64Array,
): boolean {
  let k = -1;
  for (let q = 0; q < n; q++) {
    const fq = f[off + q];
    if (fq === Infinity) continue;
    if (k < 0) {
      k = 0;
      v[0] = q;
      zb[0] = -Infinity;
      zb[1] = Infinity;
      continue;
    }
    const hq = fq + w2 * q * q;
    let s = 0;
    for (;;) {
      // zb[0] = -Infinity, so the loop stops at k = 0 at the latest
      const p = v[k];
      s = (hq - (f[off + p] + w2 * p * p)) / (2 * w2 * (q - p));
      if (s <= zb[k]) k--;
      else break;
    }
    k++;
    v[k] = q;
    zb[k] = s;
    zb[k + 1] = Infinity;
  }
  if (k < 0) return false;
  let j = 0;
  for (let q = 0; q < n; q++) {
    while (zb[j + 1] < q) j++;
    const p = v[j];
    const dq = q - p;
    d[q] = w2 * dq * dq + f[off + p];
  }
  return true;
}

const TILE = 16;
type Scratch = { tile: Float64Array; d: Float64Array; v: Int32Array; zb: Float64Array };

/**
 * 1D transforms of `count` lines that start at consecutive offsets `base`, `base + 1`, … and step
 * by `stride` for `n` samples, in groups of {@link TILE} (gathered into a line-contiguous tile so
 * memory is read in runs rather than one strided element per cache line).
 */
function pass(
  out: Float64Array,
  base: number,
  count: number,
  stride: number,
  n: number,
  w2: number,
  s: Scratch,
  need?: Uint8Array,
): void {
  const { tile, d, v, zb } = s;
  for (let c0 = 0; c0 < count; c0 += TILE) {
    const nb = Math.min(TILE, count - c0);
    const start = base + c0;
    if (need) {
      let any = false;
      for (let k = 0; k < n && !any; k++) {
        const o = start + k * stride;
        for (let b = 0; b < nb; b++) {
          if (need[o + b]) {
            any = true;
            break;
          }
        }
      }
      if (!any) continue;
    }
    for (let k = 0; k < n; k++) {
      const o = start + k * stride;
      for (let b = 0; b < nb; b++) tile[b * n + k] = out[o + b];
    }
    let changed = false;
    for (let b = 0; b < nb; b++) {
      if (dt1d(tile, b * n, n, w2, d, v, zb)) {
        tile.set(d.subarray(0, n), b * n);
        changed = true;
      }
    }
    if (!changed) continue;
    for (let k = 0; k < n; k++) {
      const o = start + k * stride;
      for (let b = 0; b < nb; b++) out[o + b] = tile[b * n + k];
    }
  }
}

/**
 * Squared Euclidean distance (in spacing units) from every voxel to the nearest voxel where
 * `feature` is 1; +Infinity everywhere when there is no feature. Exact, O(n) per axis.
 *
 * `need` (optional, same length): only the columns along the last axis that contain a voxel
 * with `need[i] = 1` are finished in the last pass; other entries hold partial values.
 *
 * @example
 * ```ts
 * import { makeGrid, squaredEdt } from "./edt.ts";
 * const f = new Uint8Array([1, 0, 0, 0]);
 * const d = squaredEdt(f, makeGrid([4], [0.5], 4));
 * if (d[3] !== 2.25) throw new Error(String(d[3]));
 * ```
 */
export function squaredEdt(feature: Uint8Array, grid: Grid, need?: Uint8Array): Float64Array {
  const [X, Y, Z] = grid.dims;
  const [sx, sy, sz] = grid.spacing;
  const XY = X * Y;
  const out = new Float64Array(feature.length);
  // pass 1, along x: two scans give the 1D distance to the nearest feature on the row
  for (let r = 0; r < Y * Z; r++) {
    const base = r * X;
    let last = -1;
    for (let x = 0; x < X; x++) {
      if (feature[base + x]) last = x;
      out[base + x] = last < 0 ? Infinity : x - last;
    }
    last = -1;
    for (let x = X - 1; x >= 0; x--) {
      if (feature[base + x]) last = x;
      const a = out[base + x];
      const b = last < 0 ? Infinity : last - x;
      const m = a < b ? a : b;
      out[base + x] = m === Infinity ? Infinity : m * m * sx * sx;
    }
  }
  const L = Math.max(Y, Z);
  const s: Scratch = {
    tile: new Float64Array(L * TILE),
    d: new Float64Array(L),
    v: new Int32Array(L),
    zb: new Float64Array(L + 1),
  };
  // pass 2, along y, slice by slice
  if (Y > 1) { for (let z = 0; z < Z; z++) pass(out, z * XY, X, X, Y, sy * sy, s); }
  // pass 3, along z (only column groups that hold a needed voxel)
  if (Z > 1) pass(out, 0, XY, XY, Z, sz * sz, s, need);
  return out;
}
