/**
 * Unit-stride convolutions as one GEMM per filter tap over a zero-padded copy of the input, with
 * no im2col matrix.
 *
 * With the input zero-padded to a grid of `Dp×Hp×Wp` voxels and flattened to rows of `ci`
 * channels, the output at padded-grid row `q` is `Σ_tap xp[q + off(tap)] · w[tap]`, where
 * `off(tap) = (kz·dd·Hp + ky·dh)·Wp + kx·dw` is a constant row shift. Each tap is therefore a
 * plain `[rows × ci] · [ci × co]` GEMM whose A operand is a view into the padded input (no copy),
 * accumulated into an output laid out on the same padded grid and cropped at the end. The filter
 * gradient is the transposed product, `dw[tap] = xp[q + off]ᵀ · dyp[q]`, with `dy` placed on the
 * padded grid (zeros off the valid outputs).
 *
 * im2col writes `taps × ci` floats per output voxel (27× the input for a 3×3×3 filter), which
 * bounds the small-channel convolutions of 3D U-Nets by memory bandwidth; here the extra memory
 * is one padded copy of the input (and of the output), at the cost of computing the padded rows
 * too (`(Dp·Hp·Wp) / (od·oh·ow)` times the useful work), so {@link useShifted} keeps im2col for
 * small maps, where that ratio is large, and for wide channels, where im2col's cost is minor.
 * @module
 */
import { gemm } from "./gemm_state.ts";
import type { ConvGeom } from "./im2col.ts";

type Grid = {
  /** Padded extents. */
  dp: number;
  hp: number;
  wp: number;
  /** Padded-grid rows that hold every valid output (from row 0). */
  rows: number;
  /** Row shift of each tap, in filter order (kz, ky, kx). */
  offs: number[];
  /** Rows of the padded input buffer (the grid plus the largest shift). */
  inRows: number;
};

function grid(g: ConvGeom): Grid {
  const dp = Math.max(g.id + g.pf, g.od + (g.fd - 1) * g.dd);
  const hp = Math.max(g.ih + g.pt, g.oh + (g.fh - 1) * g.dh);
  const wp = Math.max(g.iw + g.pl, g.ow + (g.fw - 1) * g.dw);
  const offs: number[] = [];
  for (let kz = 0; kz < g.fd; kz++) {
    for (let ky = 0; ky < g.fh; ky++) {
      for (let kx = 0; kx < g.fw; kx++) offs.push((kz * g.dd * hp + ky * g.dh) * wp + kx * g.dw);
    }
  }
  const rows = (((g.n - 1) * dp + g.od - 1) * hp + g.oh - 1) * wp + g.ow;
  return { dp, hp, wp, rows, offs, inRows: Math.max(g.n * dp * hp * wp, rows + offs.at(-1)!) };
}

/**
 * True when the shifted-GEMM form applies (unit stride, a native GEMM) and is expected to beat
 * im2col: the padded grid wastes at most a third of the work and the input is narrow enough
 * (≤ 64 channels) for im2col's copy to dominate.
 */
export function useShifted(g: ConvGeom): boolean {
  // the WebAssembly GEMM copies its operands into wasm memory on every call: 27 copies of the
  // input would cost what im2col costs
  if (gemm().name.startsWith("wasm")) return false;
  if (g.sd !== 1 || g.sh !== 1 || g.sw !== 1) return false;
  if (g.fd * g.fh * g.fw === 1) return false;
  if (g.pf < 0 || g.pt < 0 || g.pl < 0) return false;
  if (g.ci > 64) return false;
  const gr = grid(g);
  return gr.dp * gr.hp * gr.wp <= (4 / 3) * g.od * g.oh * g.ow;
}

const pool = [new Float32Array(0), new Float32Array(0), new Float32Array(0)];
/** Buffers above this many floats (64 MiB) are allocated per call and never kept. */
const POOL_MAX = 1 << 24;

/**
 * Reusable buffer `i` of `n` floats, zeroed when `zero`. Kernels run synchronously and one at a
 * time, and every buffer is consumed before its kernel returns; reuse spares the page faults and
 * zeroing of fresh multi-megabyte allocations on every call. One large convolution (say a
 * full-resolution inference) does not pin its buffers: those above {@link POOL_MAX} are not pooled.
 */
function buffer(i: number, n: number, zero: boolean): Float32Array {
  if (n > POOL_MAX) return new Float32Array(n);
  if (pool[i].length < n) {
    pool[i] = new Float32Array(Math.min(POOL_MAX, Math.max(n, Math.ceil(pool[i].length * 1.25))));
  } else if (zero) pool[i].fill(0, 0, n);
  return pool[i].subarray(0, n);
}

/** Copy `src` (`[n, d, h, w, c]`) into a zeroed padded-grid buffer at offset (f, t, l). */
function toGrid(
  src: Float32Array,
  n: number,
  d: number,
  h: number,
  w: number,
  c: number,
  gr: Grid,
  f: number,
  t: number,
  l: number,
  slot: number,
): Float32Array {
  const buf = buffer(slot, gr.inRows * c, true);
  const run = w * c;
  for (let b = 0; b < n; b++) {
    for (let z = 0; z < d; z++) {
      for (let y = 0; y < h; y++) {
        const from = ((b * d + z) * h + y) * run;
        buf.set(
          src.subarray(from, from + run),
          (((b * gr.dp + z + f) * gr.hp + y + t) * gr.wp + l) * c,
        );
      }
    }
  }
  return buf;
}

/** Forward convolution (unit stride) by one GEMM per tap; same result layout as im2col's. */
export function shiftedForward(g: ConvGeom, x: Float32Array, w: Float32Array): Float32Array {
  const gr = grid(g);
  const xp = toGrid(x, g.n, g.id, g.ih, g.iw, g.ci, gr, g.pf, g.pt, g.pl, 0);
  const yp = buffer(1, gr.rows * g.co, false); // the first tap's GEMM (beta 0) overwrites it
  const blas = gemm(), tapSize = g.ci * g.co;
  gr.offs.forEach((off, t) => {
    blas.sgemm(
      false,
      false,
      gr.rows,
      g.co,
      g.ci,
      1,
      xp.subarray(off * g.ci),
      g.ci,
      w.subarray(t * tapSize),
      g.co,
      t === 0 ? 0 : 1,
      yp,
      g.co,
    );
  });
  const out = new Float32Array(g.n * g.od * g.oh * g.ow * g.co);
  const run = g.ow * g.co;
  for (let b = 0; b < g.n; b++) {
    for (let z = 0; z < g.od; z++) {
      for (let y = 0; y < g.oh; y++) {
        const from = ((b * gr.dp + z) * gr.hp + y) * gr.wp * g.co;
        out.set(yp.subarray(from, from + run), ((b * g.od + z) * g.oh + y) * run);
      }
    }
  }
  return out;
}

/** Filter gradient (unit stride) by one transposed GEMM per tap, in fixed tap order. */
export function shiftedFilter(g: ConvGeom, x: Float32Array, dy: Float32Array): Float32Array {
  const gr = grid(g);
  const xp = toGrid(x, g.n, g.id, g.ih, g.iw, g.ci, gr, g.pf, g.pt, g.pl, 0);
  const dyp = toGrid(dy, g.n, g.od, g.oh, g.ow, g.co, gr, 0, 0, 0, 2);
  const dw = new Float32Array(gr.offs.length * g.ci * g.co);
  const blas = gemm(), tapSize = g.ci * g.co;
  gr.offs.forEach((off, t) => {
    blas.sgemm(
      true,
      false,
      g.ci,
      g.co,
      gr.rows,
      1,
      xp.subarray(off * g.ci),
      g.ci,
      dyp,
      g.co,
      0,
      dw.subarray(t * tapSize),
      g.co,
    );
  });
  return dw;
}
