/**
 * Fast ResizeNearestNeighborGrad (the gradient of UpSampling2D): the exact adjoint of TF.js's
 * nearest-neighbour forward mapping, as a scatter-add in a fixed order.
 * @module
 */
import { f32, type FastKernel, type TensorInfo } from "./registry.ts";

/** Source index per output index along one axis, with TF.js's nearest-neighbour rule. */
export function nearestSources(
  inSize: number,
  outSize: number,
  alignCorners: boolean,
  halfPixel: boolean,
): Int32Array {
  const effIn = alignCorners && outSize > 1 ? inSize - 1 : inSize;
  const effOut = alignCorners && outSize > 1 ? outSize - 1 : outSize;
  const ratio = effIn / effOut;
  const src = new Int32Array(outSize);
  for (let r = 0; r < outSize; r++) {
    const frac = halfPixel ? ratio * (r + 0.5) : ratio * r;
    let s = Math.min(inSize - 1, alignCorners ? Math.round(frac) : Math.floor(frac));
    if (halfPixel) s = Math.max(0, s);
    src[r] = s;
  }
  return src;
}

const resizeNearestGrad: FastKernel = {
  name: "ResizeNearestNeighborGrad",
  func(args): TensorInfo | null {
    const { images, dy } = args.inputs;
    const dyv = f32(args.backend, dy);
    if (!dyv || images.shape.length !== 4) return null;
    const { alignCorners, halfPixelCenters } = args.attrs;
    const [n, ih, iw, c] = images.shape as number[];
    const [, oh, ow] = dy.shape as number[];
    const rows = nearestSources(ih, oh, !!alignCorners, !!halfPixelCenters);
    const cols = nearestSources(iw, ow, !!alignCorners, !!halfPixelCenters);
    const dx = new Float32Array(n * ih * iw * c);
    let o = 0;
    for (let b = 0; b < n; b++) {
      for (let y = 0; y < oh; y++) {
        const rowBase = (b * ih + rows[y]) * iw;
        for (let x = 0; x < ow; x++, o += c) {
          const to = (rowBase + cols[x]) * c;
          for (let k = 0; k < c; k++) dx[to + k] += dyv[o + k];
        }
      }
    }
    return args.backend.makeTensorInfo([n, ih, iw, c], "float32", dx);
  },
};

/** The resize kernels. */
export const resizeKernels: FastKernel[] = [resizeNearestGrad];
