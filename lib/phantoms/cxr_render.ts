/**
 * Procedural frontal chest radiograph renderer for the ChestX-ray14 phantom (spec 04 §8.1):
 * anatomy (body, lungs with texture and ribs, spine, heart) plus the 14 findings' signatures.
 * Coordinates are normalised: u to the image right, v down, both in [0, 1].
 * @module
 */
import type { Rng } from "../random/mod.ts";
import { segmentDistance } from "./draw.ts";

/** Per-patient anatomy (kept on every follow-up). */
export type CxrAnatomy = { bw: number; lw: number; lh: number; hs: number };

/** A disc or soft blob: centre, radius, added value. */
export type Blob = { u: number; v: number; r: number; add: number };

/** Everything that shapes one image besides anatomy. Lung index 0 = image left, 1 = right. */
export type CxrSignatures = {
  shift: [number, number];
  contrast: number;
  offset: number;
  diaphragm: [number, number];
  texPhase: [number, number];
  atelectasis?: number;
  cardiomegaly?: number;
  effusion?: { lungs: number[]; v: number };
  softBlobs: Blob[];
  discs: Blob[];
  pneumothorax?: number;
  edema?: boolean;
  emphysema?: boolean;
  fibrosis?: { a: [number, number]; b: [number, number] }[];
  pleural?: number;
  hernia?: boolean;
};

const LUNG_C: [number, number][] = [[0.34, 0.46], [0.66, 0.46]];
const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);

/** A random point inside lung `l` (above its diaphragm), optionally in the lower half only. */
export function lungPoint(rng: Rng, a: CxrAnatomy, l: number, lower = false): [number, number] {
  const [cx, cy] = LUNG_C[l];
  const rx = 0.12 * a.lw, ry = 0.26 * a.lh;
  for (;;) {
    const du = rng.uniform(-0.7, 0.7), dv = rng.uniform(lower ? 0.05 : -0.7, 0.6);
    if (du * du + dv * dv <= 0.49) return [cx + du * rx, cy + dv * ry];
  }
}

/**
 * Render one image of `size`×`size` as floats in [0, 1] (row-major), noise from `rng`.
 *
 * @example
 * ```ts
 * import { renderCxr } from "./cxr_render.ts";
 * import { createRng } from "../random/mod.ts";
 * const img = renderCxr({ bw: 1, lw: 1, lh: 1, hs: 1 }, {
 *   shift: [0, 0], contrast: 1, offset: 0, diaphragm: [0.74, 0.74], texPhase: [0, 0],
 *   softBlobs: [], discs: [],
 * }, createRng(0), 32);
 * if (img.length !== 1024 || img.some((x) => x < 0 || x > 1)) throw new Error();
 * ```
 */
export function renderCxr(a: CxrAnatomy, s: CxrSignatures, rng: Rng, size: number): Float32Array {
  const out = new Float32Array(size * size);
  const px = 1 / size;
  const soft = (d: number) => clamp01(0.5 + d / px); // d > 0 inside, in normalised units
  const ellipse = (u: number, v: number, cx: number, cy: number, rx: number, ry: number) => {
    const n = Math.hypot((u - cx) / rx, (v - cy) / ry);
    return soft((1 - n) * Math.min(rx, ry));
  };
  const emph = s.emphysema ? 1.1 : 1;
  const lungRx = 0.12 * a.lw * emph, lungRy = 0.26 * a.lh * emph;
  const dia = s.diaphragm.map((d, l) =>
    d + (s.emphysema ? 0.03 : 0) - (s.atelectasis === l ? 0.08 : 0)
  );
  const lungVal = s.emphysema ? 0.12 : 0.2;
  const texAmp = 0.03 * (s.emphysema ? 0.3 : 1);
  const heartRx = 0.1 * a.hs * (s.cardiomegaly ?? 1);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = (x + 0.5) * px - s.shift[0] * px, v = (y + 0.5) * px - s.shift[1] * px;
      let img = 0.06;
      img += (0.5 - img) * ellipse(u, v, 0.5, 0.56, 0.4 * a.bw, 0.5);
      const lc = [0, 0];
      for (let l = 0; l < 2; l++) {
        const [cx, cy] = LUNG_C[l];
        lc[l] = ellipse(u, v, cx, cy, lungRx, lungRy) * soft(dia[l] - v);
        if (lc[l] === 0) continue;
        const tex = texAmp * Math.sin(40 * u + s.texPhase[0]) * Math.sin(37 * v + s.texPhase[1]);
        img += (lungVal + tex - img) * lc[l];
        for (let i = 0; i < 7; i++) {
          const vr = 0.22 + 0.065 * i + 0.05 * ((u - cx) / 0.14) ** 2;
          img += 0.06 * soft(0.003 - Math.abs(v - vr)) * lc[l];
        }
      }
      const lung = Math.max(lc[0], lc[1]);
      img += (0.72 - img) * soft(0.045 - Math.abs(u - 0.5)) * soft(0.98 - v) * soft(v - 0.08);
      img += (0.7 - img) * ellipse(u, v, 0.53, 0.63, heartRx, 0.085);
      // findings inside the lungs
      if (s.atelectasis !== undefined) {
        img += 0.22 * soft(0.0075 - Math.abs(v - 0.58)) * lc[s.atelectasis];
      }
      if (s.effusion) {
        for (const l of s.effusion.lungs) {
          const side = l === 0 ? -1 : 1;
          const lat = clamp01(((u - LUNG_C[l][0]) * side) / lungRx);
          const cov = soft(v - (s.effusion.v - 0.06 * lat)) * lc[l];
          img += (0.6 - img) * cov;
        }
      }
      for (const b of s.softBlobs) {
        const q = 1 - ((u - b.u) ** 2 + (v - b.v) ** 2) / (b.r * b.r);
        if (q > 0) img += b.add * q * q * lung;
      }
      for (const b of s.discs) img += b.add * soft(b.r - Math.hypot(u - b.u, v - b.v)) * lung;
      if (s.pneumothorax !== undefined) {
        const l = s.pneumothorax, side = l === 0 ? -1 : 1;
        const off = (u - LUNG_C[l][0]) * side - 0.1 * lungRx;
        const lateral = soft(off);
        img += ((0.03 - img) * lateral + 0.12 * (1 - lateral)) * lc[l];
        img += 0.25 * soft(0.006 - Math.abs(off)) * lc[l];
      }
      if (s.edema) {
        const g = Math.exp(-((u - 0.38) ** 2 + (v - 0.5) ** 2) / (2 * 0.07 ** 2)) +
          Math.exp(-((u - 0.62) ** 2 + (v - 0.5) ** 2) / (2 * 0.07 ** 2));
        img += 0.2 * g * lung;
      }
      if (s.fibrosis) {
        for (const f of s.fibrosis) {
          const d = segmentDistance(u, v, f.a[0], f.a[1], f.b[0], f.b[1]);
          img += 0.2 * soft(0.006 - d) * lung;
        }
      }
      if (s.pleural !== undefined) {
        const l = s.pleural, [cx, cy] = LUNG_C[l], side = l === 0 ? -1 : 1;
        const n = Math.hypot((u - cx) / lungRx, (v - cy) / lungRy);
        const outer = (u - cx) * side > 0 || v < cy;
        if (outer && n >= 0.8) img += 0.25 * lc[l];
      }
      if (s.hernia) {
        img += 0.12 * soft(0.06 - Math.hypot(u - 0.47, v - 0.7));
        img -= 0.25 * soft(0.025 - Math.hypot(u - 0.47, v - 0.7));
      }
      img = img * s.contrast + s.offset + rng.normal(0, 0.02);
      out[y * size + x] = clamp01(img);
    }
  }
  return out;
}
