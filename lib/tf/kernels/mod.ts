/**
 * medkd's fast CPU kernels: GEMM-backed convolutions (2D, 3D, depthwise) and matmuls, pooling,
 * and loops for the element-wise, reduction and copy ops that dominate a training step, all
 * registered over TF.js's CPU backend, plus gradients for dilated convolutions.
 *
 * `MEDKD_FAST_KERNELS=0` disables them; `MEDKD_BLAS` picks the GEMM (see {@link loadGemm}).
 * @module
 */
import { env, loadGemm } from "./blas.ts";
import { convKernels } from "./conv_kernels.ts";
import { copyKernels } from "./copy_ops.ts";
import { depthwiseKernels } from "./depthwise_kernels.ts";
import { registerDilatedGradients } from "./dilated_grad.ts";
import { registerLeanGradients } from "./grads.ts";
import { elementwiseKernels } from "./elementwise.ts";
import { poolKernels } from "./pool_kernels.ts";
import { reduceKernels } from "./reduce.ts";
import { resizeKernels } from "./resize_kernels.ts";
import { segmentKernels } from "./segment.ts";
import { setGemm } from "./gemm_state.ts";
import { matmulKernels } from "./matmul_kernels.ts";
import { type FastKernel, registerFastKernels } from "./registry.ts";

export { dilateFilter, registerDilatedGradients } from "./dilated_grad.ts";
export { registerLeanGradients, withOriginalGradients } from "./grads.ts";
export { BlasError, blasThreads, type Gemm, loadGemm, openNativeGemm } from "./blas.ts";
export { gemm, setGemm } from "./gemm_state.ts";
export {
  type FastKernel,
  fastKernelsActive,
  isFastKernelActive,
  referenceKernel,
  registerFastKernels,
  restoreReferenceKernels,
  withReferenceKernels,
} from "./registry.ts";

/** Every fast kernel medkd registers. */
export function fastKernelList(): FastKernel[] {
  return [
    ...convKernels,
    ...matmulKernels,
    ...depthwiseKernels,
    ...poolKernels,
    ...elementwiseKernels,
    ...reduceKernels,
    ...copyKernels,
    ...resizeKernels,
    ...segmentKernels,
  ];
}

/** What {@link installFastKernels} did. */
export type FastKernelsInfo = { blas: string | null; kernels: string[] };

function disabled(): boolean {
  return env("MEDKD_FAST_KERNELS") === "0";
}

/**
 * Load a GEMM and register the fast kernels on the CPU backend (idempotent), and register the
 * dilated-convolution gradients (always, even when the kernels are disabled). Returns
 * `{ blas: null, kernels: [] }` when `MEDKD_FAST_KERNELS=0`; `force` ignores that variable.
 *
 * @example
 * ```ts
 * import { installFastKernels } from "./mod.ts";
 * const info = await installFastKernels();
 * if (info.kernels.length > 0 && !info.blas) throw new Error("kernels without a GEMM");
 * ```
 */
export async function installFastKernels(
  opts: { force?: boolean; blas?: string } = {},
): Promise<FastKernelsInfo> {
  registerDilatedGradients(); // needed by every backend, fast kernels or not
  if (!opts.force && disabled()) return { blas: null, kernels: [] };
  const g = await loadGemm(opts.blas);
  setGemm(g);
  const kernels = registerFastKernels(fastKernelList());
  registerLeanGradients();
  return { blas: g.name, kernels };
}
