/**
 * Fast channels-last max / average pooling (2D and 3D) and their gradients. The max gradient
 * routes to the first maximum in window order (as TF.js does); the average gradient divides by
 * the number of in-bounds voxels, the exact gradient of the forward pass (TF.js's reference
 * gradient divides by the full window size even where "same" padding clips it).
 * @module
 */
import * as tf from "../tf.ts";
import { type ConvGeom, geom2d, geom3d } from "./im2col.ts";
import { f32, type FastKernel, type KernelArgs, type TensorInfo } from "./registry.ts";

const bu = tf.backend_util;

function geom(args: KernelArgs, xShape: number[], rank: 2 | 3): ConvGeom | null {
  const a = args.attrs;
  if (rank === 2) {
    return geom2d(
      bu.computePool2DInfo(
        xShape as [number, number, number, number],
        a.filterSize,
        a.strides,
        1,
        a.pad,
        a.dimRoundingMode,
      ),
    );
  }
  if (a.dataFormat && a.dataFormat !== "NDHWC") return null;
  const dil = a.dilations ?? 1;
  return geom3d(
    bu.computePool3DInfo(
      xShape as [number, number, number, number, number],
      a.filterSize,
      a.strides,
      dil,
      a.pad,
      a.dimRoundingMode,
    ),
  );
}

/** Visit each output voxel with the list of in-bounds input offsets of its window. */
function forWindows(g: ConvGeom, fn: (outOff: number, taps: Int32Array, nt: number) => void): void {
  const taps = new Int32Array(g.fd * g.fh * g.fw);
  let outOff = 0;
  for (let b = 0; b < g.n; b++) {
    for (let z = 0; z < g.od; z++) {
      for (let y = 0; y < g.oh; y++) {
        for (let x = 0; x < g.ow; x++) {
          let nt = 0;
          for (let kz = 0; kz < g.fd; kz++) {
            const iz = z * g.sd - g.pf + kz * g.dd;
            if (iz < 0 || iz >= g.id) continue;
            for (let ky = 0; ky < g.fh; ky++) {
              const iy = y * g.sh - g.pt + ky * g.dh;
              if (iy < 0 || iy >= g.ih) continue;
              for (let kx = 0; kx < g.fw; kx++) {
                const ix = x * g.sw - g.pl + kx * g.dw;
                if (ix < 0 || ix >= g.iw) continue;
                taps[nt++] = (((b * g.id + iz) * g.ih + iy) * g.iw + ix) * g.ci;
              }
            }
          }
          fn(outOff, taps, nt);
          outOff += g.ci;
        }
      }
    }
  }
}

function outShape(g: ConvGeom, rank: 2 | 3): number[] {
  return rank === 2 ? [g.n, g.oh, g.ow, g.ci] : [g.n, g.od, g.oh, g.ow, g.ci];
}

function pool(name: string, rank: 2 | 3, max: boolean): FastKernel {
  return {
    name,
    func(args): TensorInfo | null {
      const { x } = args.inputs;
      const xv = f32(args.backend, x);
      const g = xv && geom(args, x.shape, rank);
      if (!xv || !g) return null;
      const ci = g.ci;
      const o = new Float32Array(g.n * g.od * g.oh * g.ow * ci);
      forWindows(g, (off, taps, nt) => {
        for (let c = 0; c < ci; c++) {
          let m = max ? -Infinity : 0;
          for (let t = 0; t < nt; t++) {
            const v = xv[taps[t] + c];
            if (max) {
              if (v > m) m = v;
            } else m += v;
          }
          o[off + c] = max ? m : m / Math.max(nt, 1);
        }
      });
      return args.backend.makeTensorInfo(outShape(g, rank), "float32", o);
    },
  };
}

function poolGrad(name: string, rank: 2 | 3, max: boolean): FastKernel {
  return {
    name,
    func(args): TensorInfo | null {
      const { dy, input } = args.inputs;
      const dyv = f32(args.backend, dy), xv = f32(args.backend, input);
      const g = dyv && xv && geom(args, input.shape, rank);
      if (!dyv || !xv || !g) return null;
      const ci = g.ci;
      const dx = new Float32Array(xv.length);
      forWindows(g, (off, taps, nt) => {
        if (nt === 0) return;
        for (let c = 0; c < ci; c++) {
          if (max) {
            let m = -Infinity, at = -1;
            for (let t = 0; t < nt; t++) {
              const v = xv[taps[t] + c];
              if (v > m) {
                m = v;
                at = taps[t] + c;
              }
            }
            if (at >= 0) dx[at] += dyv[off + c];
          } else {
            const d = dyv[off + c] / nt;
            for (let t = 0; t < nt; t++) dx[taps[t] + c] += d;
          }
        }
      });
      return args.backend.makeTensorInfo([...input.shape], "float32", dx);
    },
  };
}

/** The pooling kernels. */
export const poolKernels: FastKernel[] = [
  pool("MaxPool", 2, true),
  pool("AvgPool", 2, false),
  pool("MaxPool3D", 3, true),
  pool("AvgPool3D", 3, false),
  poolGrad("MaxPoolGrad", 2, true),
  poolGrad("AvgPoolGrad", 2, false),
  poolGrad("MaxPool3DGrad", 3, true),
  poolGrad("AvgPool3DGrad", 3, false),
];
