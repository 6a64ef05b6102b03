/**
 * Channels-last convolution geometry and the im2col / col2im packing shared by the 2D and 3D
 * GEMM convolutions (a 2D convolution is a 3D one with depth 1).
 * @module
 */

/** Geometry of an NDHWC convolution with an `[fd, fh, fw, ci, co]` filter. */
export type ConvGeom = {
  n: number;
  id: number;
  ih: number;
  iw: number;
  ci: number;
  od: number;
  oh: number;
  ow: number;
  co: number;
  fd: number;
  fh: number;
  fw: number;
  sd: number;
  sh: number;
  sw: number;
  dd: number;
  dh: number;
  dw: number;
  /** Padding before the first voxel along depth, height and width. */
  pf: number;
  pt: number;
  pl: number;
};

/** Minimal view of TF.js's `Conv2DInfo`. */
export type Conv2DInfoLike = {
  batchSize: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padInfo: { top: number; left: number };
};

/** Minimal view of TF.js's `Conv3DInfo`. */
export type Conv3DInfoLike = Conv2DInfoLike & {
  inDepth: number;
  outDepth: number;
  filterDepth: number;
  strideDepth: number;
  dilationDepth: number;
  padInfo: { front: number; top: number; left: number };
};

/** Geometry from a 2D conv info (depth 1). */
export function geom2d(c: Conv2DInfoLike): ConvGeom {
  return {
    n: c.batchSize,
    id: 1,
    ih: c.inHeight,
    iw: c.inWidth,
    ci: c.inChannels,
    od: 1,
    oh: c.outHeight,
    ow: c.outWidth,
    co: c.outChannels,
    fd: 1,
    fh: c.filterHeight,
    fw: c.filterWidth,
    sd: 1,
    sh: c.strideHeight,
    sw: c.strideWidth,
    dd: 1,
    dh: c.dilationHeight,
    dw: c.dilationWidth,
    pf: 0,
    pt: c.padInfo.top,
    pl: c.padInfo.left,
  };
}

/** Geometry from a 3D conv info. */
export function geom3d(c: Conv3DInfoLike): ConvGeom {
  return {
    ...geom2d(c),
    id: c.inDepth,
    od: c.outDepth,
    fd: c.filterDepth,
    sd: c.strideDepth,
    dd: c.dilationDepth,
    pf: c.padInfo.front,
  };
}

/** Rows of the im2col matrix (output positions) and its columns (filter taps × channels). */
export function gemmDims(g: ConvGeom): { rows: number; k: number } {
  return { rows: g.n * g.od * g.oh * g.ow, k: g.fd * g.fh * g.fw * g.ci };
}

/** True when the input itself is the im2col matrix (1×1×1 filter, unit stride, no padding). */
export function isPointwise(g: ConvGeom): boolean {
  return g.fd === 1 && g.fh === 1 && g.fw === 1 && g.sd === 1 && g.sh === 1 && g.sw === 1 &&
    g.pf === 0 && g.pt === 0 && g.pl === 0 && g.od === g.id && g.oh === g.ih && g.ow === g.iw;
}

/** How many output rows to pack per GEMM call (bounded scratch memory, fixed per shape). */
export function chunkRows(g: ConvGeom): number {
  const { rows, k } = gemmDims(g);
  return Math.max(1, Math.min(rows, Math.floor((1 << 21) / Math.max(1, k))));
}

/**
 * Walk output rows `[r0, r1)` and their filter rows (kz, ky); for each filter row call
 * `row(col, src, x0)` with the column offset of its first tap, the input offset of the input row
 * (-1 when the row lies in the padding) and the first input x of the window.
 */
function forFilterRows(
  g: ConvGeom,
  r0: number,
  r1: number,
  row: (col: number, rowSrc: number, x0: number) => void,
): void {
  const { k } = gemmDims(g);
  const span = g.fw * g.ci;
  let x = r0 % g.ow;
  let t = (r0 - x) / g.ow;
  let y = t % g.oh;
  t = (t - y) / g.oh;
  let z = t % g.od;
  let b = (t - z) / g.od;
  for (let r = r0; r < r1; r++) {
    let col = (r - r0) * k;
    const z0 = z * g.sd - g.pf, y0 = y * g.sh - g.pt, x0 = x * g.sw - g.pl;
    for (let kz = 0; kz < g.fd; kz++) {
      const iz = z0 + kz * g.dd;
      const zin = iz >= 0 && iz < g.id;
      for (let ky = 0; ky < g.fh; ky++) {
        const iy = y0 + ky * g.dh;
        row(
          col,
          zin && iy >= 0 && iy < g.ih ? ((b * g.id + iz) * g.ih + iy) * g.iw * g.ci : -1,
          x0,
        );
        col += span;
      }
    }
    if (++x === g.ow) {
      x = 0;
      if (++y === g.oh) {
        y = 0;
        if (++z === g.od) {
          z = 0;
          b++;
        }
      }
    }
  }
}

/** Pack output rows `[r0, r1)` of the im2col matrix of `input` into `cols` (row length k). */
export function im2col(
  g: ConvGeom,
  input: Float32Array,
  cols: Float32Array,
  r0: number,
  r1: number,
): void {
  const ci = g.ci, fw = g.fw, dw = g.dw, iw = g.iw, span = fw * ci;
  forFilterRows(g, r0, r1, (col, src, x0) => {
    if (src < 0) {
      for (let j = 0; j < span; j++) cols[col + j] = 0;
    } else if (dw === 1 && x0 >= 0 && x0 + fw <= iw) {
      const from = src + x0 * ci;
      for (let j = 0; j < span; j++) cols[col + j] = input[from + j];
    } else {
      for (let kx = 0; kx < fw; kx++, col += ci) {
        const ix = x0 + kx * dw;
        if (ix < 0 || ix >= iw) { for (let c = 0; c < ci; c++) cols[col + c] = 0; }
        else {
          const from = src + ix * ci;
          for (let c = 0; c < ci; c++) cols[col + c] = input[from + c];
        }
      }
    }
  });
}

/** Scatter-add rows `[r0, r1)` of an im2col-shaped gradient into `dInput` (fixed order). */
export function col2im(
  g: ConvGeom,
  dcols: Float32Array,
  dInput: Float32Array,
  r0: number,
  r1: number,
): void {
  const ci = g.ci, fw = g.fw, dw = g.dw, iw = g.iw, span = fw * ci;
  forFilterRows(g, r0, r1, (col, src, x0) => {
    if (src < 0) return;
    if (dw === 1 && x0 >= 0 && x0 + fw <= iw) {
      const to = src + x0 * ci;
      for (let j = 0; j < span; j++) dInput[to + j] += dcols[col + j];
    } else {
      for (let kx = 0; kx < fw; kx++, col += ci) {
        const ix = x0 + kx * dw;
        if (ix < 0 || ix >= iw) continue;
        const to = src + ix * ci;
        for (let c = 0; c < ci; c++) dInput[to + c] += dcols[col + c];
      }
    }
  });
}
