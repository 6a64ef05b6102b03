/**
 * The GEMM the fast kernels use, set by `installFastKernels` (or by tests that compare the
 * native and wasm paths).
 * @module
 */
import type { Gemm } from "./blas.ts";

let current: Gemm | undefined;

/** Make `g` the GEMM used by every fast kernel. */
export function setGemm(g: Gemm): void {
  current = g;
}

/** The active GEMM; throws if none was set. */
export function gemm(): Gemm {
  if (!current) throw new Error("lib/tf/kernels: no GEMM loaded (call installFastKernels first)");
  return current;
}
