/**
 * A tiny abdominal-CT canvas shared by the KiTS and LiTS phantoms: an HU image and a label map on
 * a (slice, row, column) grid, painted by ellipsoids in order (later paints win).
 * @module
 */
import type { Rng } from "../random/mod.ts";

/** An axis-aligned ellipsoid in voxel units: centre (z, y, x) and semi-axes (az, ay, ax). */
export type Ellipsoid = { z: number; y: number; x: number; az: number; ay: number; ax: number };

/** HU image and labels, index `k + slices * (y + rows * x)` (slice axis fastest, as KiTS). */
export type CtCanvas = {
  slices: number;
  rows: number;
  cols: number;
  hu: Float32Array;
  label: Uint8Array;
};

/** A canvas filled with air (−1000 HU, label 0). */
export function ctCanvas(slices: number, rows: number, cols: number): CtCanvas {
  const n = slices * rows * cols;
  return { slices, rows, cols, hu: new Float32Array(n).fill(-1000), label: new Uint8Array(n) };
}

/** Normalised squared radius of voxel (k, y, x) in `e` (≤ 1 inside). */
export function ellipsoidR2(e: Ellipsoid, k: number, y: number, x: number): number {
  return ((k - e.z) / e.az) ** 2 + ((y - e.y) / e.ay) ** 2 + ((x - e.x) / e.ax) ** 2;
}

/** Scale an ellipsoid's semi-axes by `f`. */
export function scaled(e: Ellipsoid, f: number): Ellipsoid {
  return { ...e, az: e.az * f, ay: e.ay * f, ax: e.ax * f };
}

/**
 * Paint every voxel inside `e` (an infinite cylinder along the slice axis when `e.az` is
 * Infinity) with `hu(k, y, x)` and, when given, `label`. Returns the number of voxels painted.
 */
export function paintEllipsoid(
  c: CtCanvas,
  e: Ellipsoid,
  hu: number | ((k: number, y: number, x: number) => number),
  label?: number,
): number {
  let n = 0;
  const k0 = Math.max(0, Math.floor(e.z - e.az)),
    k1 = Math.min(c.slices - 1, Math.ceil(e.z + e.az));
  const y0 = Math.max(0, Math.floor(e.y - e.ay)), y1 = Math.min(c.rows - 1, Math.ceil(e.y + e.ay));
  const x0 = Math.max(0, Math.floor(e.x - e.ax)), x1 = Math.min(c.cols - 1, Math.ceil(e.x + e.ax));
  for (let x = x0; x <= x1; x++) {
    for (let y = y0; y <= y1; y++) {
      for (let k = k0; k <= k1; k++) {
        if (ellipsoidR2(e, k, y, x) > 1) continue;
        const i = k + c.slices * (y + c.rows * x);
        c.hu[i] = typeof hu === "number" ? hu : hu(k, y, x);
        if (label !== undefined) c.label[i] = label;
        n++;
      }
    }
  }
  return n;
}

/**
 * The body every CT phantom shares: soft tissue 40 HU inside an in-plane ellipse with a
 * subcutaneous fat band (−100 HU, outer 7 %) and a spine disc (700 HU). Coordinates are given on
 * a 128×128 reference grid and scaled to the canvas; sizes get ±10 % and positions ±3 px jitter.
 * Returns the body ellipse (for noise masking).
 */
export function paintBody(c: CtCanvas, rng: Rng): Ellipsoid {
  const sy = c.rows / 128, sx = c.cols / 128;
  const body: Ellipsoid = {
    z: 0,
    az: Infinity,
    y: (64 + rng.uniform(-3, 3)) * sy,
    x: (64 + rng.uniform(-3, 3)) * sx,
    ay: 44 * rng.uniform(0.9, 1.1) * sy,
    ax: 56 * rng.uniform(0.9, 1.1) * sx,
  };
  paintEllipsoid(c, body, -100);
  paintEllipsoid(c, scaled(body, 0.93), 40);
  const r = 8 * rng.uniform(0.9, 1.1);
  paintEllipsoid(c, {
    z: 0,
    az: Infinity,
    y: (90 + rng.uniform(-3, 3)) * sy,
    x: (64 + rng.uniform(-3, 3)) * sx,
    ay: r * sy,
    ax: r * sx,
  }, 700);
  return body;
}

/** Add N(0, sd) noise inside `body`, round and clamp to [−1024, 3071]; returns int16 HU. */
export function finishHu(c: CtCanvas, body: Ellipsoid, rng: Rng, sd = 12): Int16Array {
  const out = new Int16Array(c.hu.length);
  for (let x = 0; x < c.cols; x++) {
    for (let y = 0; y < c.rows; y++) {
      const inBody = ((y - body.y) / body.ay) ** 2 + ((x - body.x) / body.ax) ** 2 <= 1;
      for (let k = 0; k < c.slices; k++) {
        const i = k + c.slices * (y + c.rows * x);
        const v = c.hu[i] + (inBody ? rng.normal(0, sd) : 0);
        out[i] = Math.max(-1024, Math.min(3071, Math.round(v)));
      }
    }
  }
  return out;
}

/** Number of slices holding at least one voxel with `label`. */
export function slicesWithLabel(c: CtCanvas, label: number): number {
  const seen = new Uint8Array(c.slices);
  for (let i = 0; i < c.label.length; i++) if (c.label[i] === label) seen[i % c.slices] = 1;
  return seen.reduce((a, b) => a + b, 0);
}
