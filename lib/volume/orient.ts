/**
 * Orientation from the affine (nibabel's axis codes) and reorientation to a canonical
 * orientation (RAS, LPS, …) by axis permutation and flips, with the affine updated so every voxel
 * keeps its world position.
 * @module
 */
import { checkShape, stridesOf, VolumeError, voxelCount } from "./errors.ts";
import type { Volume, VoxelArray } from "./types.ts";

const POS = ["R", "A", "S"], NEG = ["L", "P", "I"];

/**
 * For each voxel axis, the world axis (0 x, 1 y, 2 z) it points along and the sign. Axes are
 * assigned greedily in voxel-axis order to the largest |component| of the column-normalised
 * affine, each world axis used once (nibabel's `io_orientation` without its SVD
 * orthogonalisation, identical for non-oblique affines).
 *
 * @example
 * ```ts
 * import { orientation } from "./orient.ts";
 * const o = orientation([[0, 0, -2, 0], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1]]);
 * if (JSON.stringify(o) !== '[[1,1],[2,1],[0,-1]]') throw new Error(JSON.stringify(o));
 * ```
 */
export function orientation(affine: number[][]): [number, number][] {
  if (affine.length < 3 || affine.some((r) => r.length < 4)) {
    throw new VolumeError("orientation: affine must be 4×4");
  }
  const m = [0, 1, 2].map((w) => [0, 1, 2].map((v) => affine[w][v]));
  const used = [false, false, false];
  const out: [number, number][] = [];
  for (let v = 0; v < 3; v++) {
    const norm = Math.hypot(m[0][v], m[1][v], m[2][v]);
    if (!(norm > 0)) throw new VolumeError(`orientation: affine column ${v} is zero or NaN`);
    let best = -1, bv = -1;
    for (let w = 0; w < 3; w++) {
      const a = Math.abs(m[w][v]) / norm;
      if (!used[w] && a > bv) (bv = a, best = w);
    }
    used[best] = true;
    out.push([best, m[best][v] < 0 ? -1 : 1]);
  }
  return out;
}

/**
 * Axis codes of an affine, one letter per voxel axis (nibabel `aff2axcodes`): "RAS", "LPS" ….
 *
 * @example
 * ```ts
 * import { axisCodes } from "./orient.ts";
 * const lps = [[-1, 0, 0, 0], [0, -1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
 * if (axisCodes(lps) !== "LPS") throw new Error();
 * ```
 */
export function axisCodes(affine: number[][]): string {
  return orientation(affine).map(([w, s]) => (s > 0 ? POS[w] : NEG[w])).join("");
}

/**
 * Permute and flip the axes of an x-fastest array: output axis t is input axis `perm[t]`,
 * reversed when `flip[t]`. Axes beyond `perm.length` are kept in place.
 *
 * @example
 * ```ts
 * import { permuteFlip } from "./orient.ts";
 * // 3×2 (x fastest) → transpose to 2×3
 * const r = permuteFlip(Int8Array.of(1, 2, 3, 4, 5, 6), [3, 2], [1, 0], [false, false]);
 * if (r.shape.join() !== "2,3" || r.data.join() !== "1,4,2,5,3,6") throw new Error();
 * ```
 */
export function permuteFlip<T extends VoxelArray>(
  data: T,
  shape: number[],
  perm: number[],
  flip: boolean[],
): { data: T; shape: number[] } {
  checkShape(data, shape, "permuteFlip");
  const k = perm.length;
  if ([...perm].sort().some((p, i) => p !== i) || k > shape.length || flip.length !== k) {
    throw new VolumeError(`permuteFlip: perm [${perm}] / flip must permute axes of [${shape}]`);
  }
  const fullPerm = [...perm, ...shape.slice(k).map((_, i) => k + i)];
  const fullFlip = [...flip, ...shape.slice(k).map(() => false)];
  const outShape = fullPerm.map((p) => shape[p]);
  const st = stridesOf(shape), nd = shape.length;
  const step = fullPerm.map((p, t) => (fullFlip[t] ? -st[p] : st[p]));
  let base = 0;
  fullPerm.forEach((p, t) => (base += fullFlip[t] ? (shape[p] - 1) * st[p] : 0));
  const ctor = data.constructor as new (n: number) => T;
  const out = new ctor(voxelCount(outShape));
  const idx = new Array<number>(nd).fill(0);
  let src = base;
  const n0 = outShape[0], s0 = step[0];
  for (let q = 0; q < out.length; q += n0) {
    for (let i = 0, s = src; i < n0; i++, s += s0) out[q + i] = data[s];
    let a = 1;
    for (; a < nd; a++) {
      src += step[a];
      if (++idx[a] < outShape[a]) break;
      src -= step[a] * outShape[a];
      idx[a] = 0;
    }
    if (a >= nd) break;
  }
  return { data: out, shape: outShape };
}

/**
 * Reorient a {@link Volume} so its voxel axes follow `target` codes (default "RAS"; "LPS" for
 * ITK / DICOM convention). Data are permuted/flipped, spacing permuted, and the affine updated
 * so each voxel keeps its world position. A 4th axis is kept.
 *
 * @example
 * ```ts
 * import { reorient, axisCodes } from "./orient.ts";
 * const v = { data: Int16Array.of(1, 2), shape: [2, 1, 1], spacing: [3, 1, 1],
 *   affine: [[-3, 0, 0, 5], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] };
 * const r = reorient(v, "RAS");
 * if (axisCodes(r.affine) !== "RAS" || r.data.join() !== "2,1" || r.affine[0][3] !== 2) {
 *   throw new Error();
 * }
 * ```
 */
export function reorient(vol: Volume, target = "RAS"): Volume {
  const codes = target.toUpperCase();
  const want = [...codes].map((c) => {
    const w = POS.indexOf(c) >= 0 ? POS.indexOf(c) : NEG.indexOf(c);
    if (w < 0) throw new VolumeError(`reorient: bad axis code "${c}" in "${target}"`);
    return [w, POS.indexOf(c) >= 0 ? 1 : -1];
  });
  if (codes.length !== 3 || new Set(want.map((x) => x[0])).size !== 3) {
    throw new VolumeError(`reorient: target "${target}" must name each of R/L, A/P, S/I once`);
  }
  if (vol.shape.length < 3) {
    throw new VolumeError(`reorient: needs a 3D/4D volume, got [${vol.shape}]`);
  }
  const ornt = orientation(vol.affine);
  const perm: number[] = [], flip: boolean[] = [];
  for (const [w, s] of want) {
    const v = ornt.findIndex((o) => o[0] === w);
    perm.push(v);
    flip.push(ornt[v][1] !== s);
  }
  const { data, shape } = permuteFlip(vol.data, vol.shape, perm, flip);
  const A = vol.affine;
  const affine = A.map((r) => [...r]);
  for (let i = 0; i < 4; i++) {
    let t = A[i][3];
    for (let o = 0; o < 3; o++) {
      const v = perm[o];
      affine[i][o] = flip[o] ? 0 - A[i][v] : A[i][v]; // 0 − x: no −0
      if (flip[o]) t += A[i][v] * (vol.shape[v] - 1);
    }
    affine[i][3] = t;
  }
  const spacing = vol.spacing.map((s, a) => (a < 3 ? vol.spacing[perm[a]] : s));
  return { ...vol, data, shape, spacing, affine, header: undefined };
}
