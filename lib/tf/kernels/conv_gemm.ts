/**
 * Convolutions as GEMMs over im2col matrices: forward, input gradient and filter gradient for
 * channels-last 2D and 3D convolutions with any stride, padding and dilation.
 * @module
 */
import { gemm, scratch } from "./gemm_state.ts";
import { chunkRows, col2im, type ConvGeom, gemmDims, im2col, isPointwise } from "./im2col.ts";

/** `out[rows×co] = im2col(x)[rows×k] · w[k×co]`. */
export function convForward(g: ConvGeom, x: Float32Array, w: Float32Array): Float32Array {
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

/** `dx = col2im(dy[rows×co] · wᵀ[co×k])`. */
export function convBackpropInput(g: ConvGeom, dy: Float32Array, w: Float32Array): Float32Array {
  const { rows, k } = gemmDims(g);
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

/** `dw[k×co] = im2col(x)ᵀ[k×rows] · dy[rows×co]`, accumulated chunk by chunk in fixed order. */
export function convBackpropFilter(g: ConvGeom, x: Float32Array, dy: Float32Array): Float32Array {
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
