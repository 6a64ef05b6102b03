/**
 * NIfTI affine helpers: qform quaternion ↔ 4×4 matrix (NIfTI-1 standard, `nifti1.h`), and the
 * fallback affine nibabel uses when neither sform nor qform is set.
 * @module
 */

/** The qform fields of a NIfTI header: quaternion (b, c, d), offsets, voxel sizes and qfac. */
export type Qform = {
  quatern: [number, number, number];
  qoffset: [number, number, number];
  /** pixdim[1..3], positive. */
  zooms: [number, number, number];
  /** pixdim[0]: -1 flips the third axis, anything else counts as +1 (as the standard says). */
  qfac: number;
};

/**
 * 4×4 affine from qform fields, as in the NIfTI-1 standard: R(quaternion) · diag(dx, dy, qfac·dz)
 * plus the offset. The quaternion's `a` is `sqrt(1 − b² − c² − d²)`, or 0 when that is below
 * 1e-7 as `nifti1_io.c` does (nibabel takes the square root of any positive value, which differs
 * by ~1e-3 for 180° rotations stored in float32); the quaternion is then normalised.
 *
 * @example
 * ```ts
 * import { qformToAffine } from "./nifti_affine.ts";
 * const a = qformToAffine({ quatern: [0, 0, 1], qoffset: [1, 2, 3], zooms: [2, 2, 2], qfac: 1 });
 * // 180° about z: x and y flip
 * if (a[0][0] !== -2 || a[1][1] !== -2 || a[2][2] !== 2 || a[0][3] !== 1) throw new Error();
 * ```
 */
export function qformToAffine(q: Qform): number[][] {
  const [b, c, d] = q.quatern;
  // as nifti1_io's nifti_quatern_to_mat44: a = 0 below 1e-7 (180° turns stored in float32)
  const w2 = 1 - (b * b + c * c + d * d);
  const a = w2 < 1e-7 ? 0 : Math.sqrt(w2);
  const n = a * a + b * b + c * c + d * d;
  const r = n < 1e-12 ? [[1, 0, 0], [0, 1, 0], [0, 0, 1]] : rotation(a, b, c, d, 2 / n);
  const s = [Math.abs(q.zooms[0]), Math.abs(q.zooms[1]), Math.abs(q.zooms[2])];
  if (q.qfac < 0) s[2] = -s[2];
  return [
    [r[0][0] * s[0], r[0][1] * s[1], r[0][2] * s[2], q.qoffset[0]],
    [r[1][0] * s[0], r[1][1] * s[1], r[1][2] * s[2], q.qoffset[1]],
    [r[2][0] * s[0], r[2][1] * s[1], r[2][2] * s[2], q.qoffset[2]],
    [0, 0, 0, 1],
  ];
}

function rotation(a: number, b: number, c: number, d: number, s: number): number[][] {
  const [bs, cs, ds] = [b * s, c * s, d * s];
  const [ab, ac, ad] = [a * bs, a * cs, a * ds];
  const [bb, bc, bd] = [b * bs, b * cs, b * ds];
  const [cc, cd, dd] = [c * cs, c * ds, d * ds];
  return [
    [1 - (cc + dd), bc - ad, bd + ac],
    [bc + ad, 1 - (bb + dd), cd - ab],
    [bd - ac, cd + ab, 1 - (bb + cc)],
  ];
}

/**
 * qform fields from a 4×4 affine: column norms become the zooms, a negative determinant sets
 * qfac = −1, shears are removed by the polar decomposition (nearest rotation), as
 * `nifti_mat44_to_quatern` does.
 *
 * @example
 * ```ts
 * import { affineToQform, qformToAffine } from "./nifti_affine.ts";
 * const m = [[0, -2, 0, 5], [3, 0, 0, 6], [0, 0, -4, 7], [0, 0, 0, 1]];
 * const back = qformToAffine(affineToQform(m));
 * if (back.flat().some((v, i) => Math.abs(v - m.flat()[i]) > 1e-9)) throw new Error();
 * ```
 */
export function affineToQform(affine: number[][]): Qform {
  const cols = [0, 1, 2].map((j) => [affine[0][j], affine[1][j], affine[2][j]]);
  const zooms = cols.map((c) => Math.hypot(c[0], c[1], c[2])) as [number, number, number];
  for (let j = 0; j < 3; j++) {
    if (zooms[j] === 0 || !Number.isFinite(zooms[j])) {
      zooms[j] = 1;
      cols[j] = [0, 0, 0];
      cols[j][j] = 1;
    } else cols[j] = cols[j].map((v) => v / zooms[j]);
  }
  // row-major 3×3 with the normalised columns
  let m = [0, 1, 2].map((i) => [cols[0][i], cols[1][i], cols[2][i]]);
  let qfac = 1;
  if (det3(m) < 0) {
    qfac = -1;
    for (let i = 0; i < 3; i++) m[i][2] = -m[i][2];
  }
  m = polar(m);
  const [a, b, c, d] = matToQuat(m);
  const sign = a < 0 ? -1 : 1;
  return {
    quatern: [sign * b, sign * c, sign * d],
    qoffset: [affine[0][3], affine[1][3], affine[2][3]],
    zooms,
    qfac,
  };
}

function det3(m: number[][]): number {
  return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
    m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
    m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
}

/** Nearest orthogonal matrix by Newton iteration X ← (X + X⁻ᵀ)/2. */
function polar(m: number[][]): number[][] {
  let x = m.map((r) => r.slice());
  for (let it = 0; it < 100; it++) {
    const d = det3(x);
    if (Math.abs(d) < 1e-12) break;
    // inverse transpose = cofactor matrix / det
    const cof = [
      [
        x[1][1] * x[2][2] - x[1][2] * x[2][1],
        x[1][2] * x[2][0] - x[1][0] * x[2][2],
        x[1][0] * x[2][1] - x[1][1] * x[2][0],
      ],
      [
        x[0][2] * x[2][1] - x[0][1] * x[2][2],
        x[0][0] * x[2][2] - x[0][2] * x[2][0],
        x[0][1] * x[2][0] - x[0][0] * x[2][1],
      ],
      [
        x[0][1] * x[1][2] - x[0][2] * x[1][1],
        x[0][2] * x[1][0] - x[0][0] * x[1][2],
        x[0][0] * x[1][1] - x[0][1] * x[1][0],
      ],
    ];
    let diff = 0;
    const nx = x.map((r, i) =>
      r.map((v, j) => {
        const nv = 0.5 * (v + cof[i][j] / d);
        diff = Math.max(diff, Math.abs(nv - v));
        return nv;
      })
    );
    x = nx;
    if (diff < 1e-15) break;
  }
  return x;
}

/** Unit quaternion (a, b, c, d) of a proper rotation matrix (row-major). */
function matToQuat(r: number[][]): [number, number, number, number] {
  const tr = r[0][0] + r[1][1] + r[2][2];
  if (tr > 0) {
    const s = 2 * Math.sqrt(1 + tr);
    return [s / 4, (r[2][1] - r[1][2]) / s, (r[0][2] - r[2][0]) / s, (r[1][0] - r[0][1]) / s];
  }
  if (r[0][0] > r[1][1] && r[0][0] > r[2][2]) {
    const s = 2 * Math.sqrt(1 + r[0][0] - r[1][1] - r[2][2]);
    return [(r[2][1] - r[1][2]) / s, s / 4, (r[0][1] + r[1][0]) / s, (r[0][2] + r[2][0]) / s];
  }
  if (r[1][1] > r[2][2]) {
    const s = 2 * Math.sqrt(1 + r[1][1] - r[0][0] - r[2][2]);
    return [(r[0][2] - r[2][0]) / s, (r[0][1] + r[1][0]) / s, s / 4, (r[1][2] + r[2][1]) / s];
  }
  const s = 2 * Math.sqrt(1 + r[2][2] - r[0][0] - r[1][1]);
  return [(r[1][0] - r[0][1]) / s, (r[0][2] + r[2][0]) / s, (r[1][2] + r[2][1]) / s, s / 4];
}

/**
 * The affine nibabel gives a NIfTI file with neither sform nor qform (`get_base_affine`):
 * zooms on the diagonal with x negated, origin at the volume centre. (The NIfTI standard's
 * "method 1" is plain `diag(pixdim)` without flip or offset; medkd follows nibabel so that files
 * read the same in both.) Shapes/zooms shorter than 3 are padded with 1.
 *
 * @example
 * ```ts
 * import { baseAffine } from "./nifti_affine.ts";
 * const a = baseAffine([4, 5, 6], [2, 3, 4]);
 * if (a[0][0] !== -2 || a[0][3] !== 3 || a[1][3] !== -6 || a[2][3] !== -10) throw new Error();
 * ```
 */
export function baseAffine(shape: number[], zooms: number[]): number[][] {
  const out = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
  for (let i = 0; i < 3; i++) {
    const n = shape[i] ?? 1;
    const z = (zooms[i] ?? 1) * (i === 0 ? -1 : 1);
    out[i][i] = z;
    out[i][3] = -((n - 1) / 2) * z + 0; // + 0 turns -0 into 0
  }
  return out;
}
