/**
 * A linear-time `UnsortedSegmentSum` (the gradient of `gather`): TF.js's CPU kernel builds one
 * mask per segment, O(segments × rows), which made gather-based resizing layers cost tens of
 * seconds per step. Rows are added in index order, so results are deterministic.
 * @module
 */
import { f32, type FastKernel, type KernelArgs, type TensorInfo } from "./registry.ts";

const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);

/**
 * `out[ids[i], ...] += x[i, ...]` for the rows of `x` named by `ids` (ids outside
 * [0, numSegments) are dropped, as TF does).
 *
 * @example
 * ```ts
 * import { segmentSum } from "./segment.ts";
 * const out = segmentSum(Float32Array.of(1, 2, 3, 4, 5, 6), Int32Array.of(1, 0, 1), 2, 2);
 * if (out.join() !== "3,4,6,8") throw new Error(out.join());
 * ```
 */
export function segmentSum(
  x: Float32Array,
  ids: ArrayLike<number>,
  numSegments: number,
  inner: number,
): Float32Array {
  const out = new Float32Array(numSegments * inner);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (!(s >= 0 && s < numSegments)) continue;
    const o = s * inner, src = i * inner;
    for (let j = 0; j < inner; j++) out[o + j] += x[src + j];
  }
  return out;
}

const unsortedSegmentSum: FastKernel = {
  name: "UnsortedSegmentSum",
  func(args: KernelArgs): TensorInfo | null {
    const { x, segmentIds } = args.inputs as { x: TensorInfo; segmentIds: TensorInfo };
    const xv = f32(args.backend, x);
    const ids = args.backend.data.get(segmentIds.dataId).values as ArrayLike<number> | undefined;
    const n = args.attrs?.numSegments as number;
    const idRank = segmentIds.shape.length;
    if (!xv || !ids || !Number.isInteger(n) || idRank > x.shape.length) return null;
    if (prod(x.shape.slice(0, idRank)) !== ids.length) return null;
    const rest = x.shape.slice(idRank);
    const out = segmentSum(xv, ids, n, prod(rest));
    return args.backend.makeTensorInfo([n, ...rest], "float32", out);
  },
};

/** The segment kernels medkd registers. */
export const segmentKernels: FastKernel[] = [unsortedSegmentSum];
