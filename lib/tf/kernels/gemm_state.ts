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

let buf = new Float32Array(0);

/**
 * A reusable scratch array of `n` floats (contents undefined). Kernels run synchronously and
 * one at a time, so one buffer serves all; a later call may return the same memory.
 */
export function scratch(n: number): Float32Array {
  if (buf.length < n) buf = new Float32Array(Math.max(n, Math.ceil(buf.length * 1.5)));
  return buf.subarray(0, n);
}
