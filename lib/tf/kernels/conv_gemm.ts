/**
 * Convolutions as GEMMs over im2col matrices: forward, input gradient and filter gradient for
 * channels-last 2D and 3D convolutions with any stride, padding and dilation.
 * @module
 */
import { env } from "./blas.ts";
import { gemm, scratch } from "./gemm_state.ts";
import { chunkRows, col2im, type ConvGeom, gemmDims, im2col, isPointwise } from "./im2col.ts";
import { shiftedFilter, shiftedForward, useShifted } from "./conv_shifted.ts";

const shiftedOff = env("MEDKD_CONV_SHIFTED") === "0";

/**
 * Forward convolution: one GEMM per tap over the padded input where {@link useShifted} says so
 * (`MEDKD_CONV_SHIFTED=0` turns that off), else im2col + GEMM.
 */
export function convForward(g: ConvGeom, x: Float32Array, w: Float32Array): Float32Array {
  return !shiftedOff && useShifted(g) ? shiftedForward(g, x, w) : im2colForward(g, x, w);
}

/** `out[rows×co] = im2col(x)[rows×k] · w[k×co]`. */
export function im2colForward(g: ConvGeom, x: Float32Array, w: Float32Array): Float32Array {
  const { rows, k } = gemmDims(g);
  const out = new Float32Array(rows * g.co);
  const blas = gemm();
  if (isPointwise(g)) {
    blas.sgemm(false, false, rows, g.co, k, 1, x, k, w, g.co, 0, out, g.co);
    return out;
  }
  const step = chunkRows(g);
  const cols = scratch(step * k);
  for (let r0 = 0; r0 < rows; r0 += step) {
    const r1 = Math.min(rows, r0 + step);
    im2col(g, x, cols, r0, r1);
    blas.sgemm(
      false,
      false,
      r1 - r0,
      g.co,
      k,
      1,
      cols,
      k,
      w,
      g.co,
      0,
      out.subarray(r0 * g.co),
      g.co,
    );
  }
  return out;
}

/**
 * For unit stride, the input gradient is a forward convolution of `dy` with the filter flipped
 * spatially and its channel axes swapped (a gather, cheaper than col2im's scatter-add); null when
 * that does not apply.
 */
function transposedAsForward(
  g: ConvGeom,
  dy: Float32Array,
  w: Float32Array,
): Float32Array | null {
  if (g.sd !== 1 || g.sh !== 1 || g.sw !== 1) return null;
  const pf = (g.fd - 1) * g.dd - g.pf, pt = (g.fh - 1) * g.dh - g.pt, pl = (g.fw - 1) * g.dw - g.pl;
  if (pf < 0 || pt < 0 || pl < 0) return null;
  const taps = g.fd * g.fh * g.fw;
  const wt = new Float32Array(w.length); // [taps flipped, co, ci]
  for (let t = 0; t < taps; t++) {
    const src = t * g.ci * g.co, dst = (taps - 1 - t) * g.co * g.ci;
    for (let i = 0; i < g.ci; i++) {
      for (let o = 0; o < g.co; o++) wt[dst + o * g.ci + i] = w[src + i * g.co + o];
    }
  }
  const gt: ConvGeom = {
    ...g,
    id: g.od,
    ih: g.oh,
    iw: g.ow,
    ci: g.co,
    od: g.id,
    oh: g.ih,
    ow: g.iw,
    co: g.ci,
    pf,
    pt,
    pl,
  };
  return convForward(gt, dy, wt);
}

/** `dx = col2im(dy[rows×co] · wᵀ[co×k])` (or the gather form for unit stride). */
export function convBackpropInput(g: ConvGeom, dy: Float32Array, w: Float32Array): Float32Array {
  const { rows, k } = gemmDims(g);
  if (!isPointwise(g)) {
    const viaForward = transposedAsForward(g, dy, w);
    if (viaForward) return viaForward;
  }
  const dx = new Float32Array(g.n * g.id * g.ih * g.iw * g.ci);
  const blas = gemm();
  if (isPointwise(g)) {
    blas.sgemm(false, true, rows, k, g.co, 1, dy, g.co, w, g.co, 0, dx, k);
    return dx;
  }
  const step = chunkRows(g);
  const dcols = scratch(step * k);
  for (let r0 = 0; r0 < rows; r0 += step) {
    const r1 = Math.min(rows, r0 + step);
    blas.sgemm(
      false,
      true,
      r1 - r0,
      k,
      g.co,
      1,
      dy.subarray(r0 * g.co),
      g.co,
      w,
      g.co,
      0,
      dcols,
      k,
    );
    col2im(g, dcols, dx, r0, r1);
  }
  return dx;
}

/** Filter gradient: per-tap GEMMs where {@link useShifted} says so, else im2col + GEMM. */
export function convBackpropFilter(g: ConvGeom, x: Float32Array, dy: Float32Array): Float32Array {
  return !shiftedOff && useShifted(g) ? shiftedFilter(g, x, dy) : im2colFilter(g, x, dy);
}

/** `dw[k×co] = im2col(x)ᵀ[k×rows] · dy[rows×co]`, accumulated chunk by chunk in fixed order. */
export function im2colFilter(g: ConvGeom, x: Float32Array, dy: Float32Array): Float32Array {
  const { rows, k } = gemmDims(g);
  const dw = new Float32Array(k * g.co);
  const blas = gemm();
  if (isPointwise(g)) {
    blas.sgemm(true, false, k, g.co, rows, 1, x, k, dy, g.co, 0, dw, g.co);
    return dw;
  }
  const step = chunkRows(g);
  const cols = scratch(step * k);
  for (let r0 = 0; r0 < rows; r0 += step) {
    const r1 = Math.min(rows, r0 + step);
    im2col(g, x, cols, r0, r1);
    blas.sgemm(
      true,
      false,
      k,
      g.co,
      r1 - r0,
      1,
      cols,
      k,
      dy.subarray(r0 * g.co),
      g.co,
      r0 === 0 ? 0 : 1,
      dw,
      g.co,
    );
  }
  return dw;
}
