/**
 * Registration of medkd's fast kernels on TF.js's CPU backend. Each fast kernel may decline a
 * case (returning `null`), which then runs TF.js's reference kernel saved at registration.
 * @module
 */
import * as tf from "../tf.ts";

/** A tensor handle as kernels see it. */
export type TensorInfo = { dataId: object; shape: number[]; dtype: string };

/** The part of TF.js's `MathBackendCPU` the fast kernels use. */
export type CpuBackend = {
  data: { get(id: object): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: string, values?: unknown): TensorInfo;
};

/** What a kernel function receives. */
export type KernelArgs = {
  // deno-lint-ignore no-explicit-any
  inputs: any;
  backend: CpuBackend;
  // deno-lint-ignore no-explicit-any
  attrs?: any;
};

/** A fast kernel: returns the result, or `null` to let the reference kernel handle the case. */
export type FastKernel = {
  name: string;
  func: (args: KernelArgs) => TensorInfo | TensorInfo[] | null;
};

const originals = new Map<string, tf.KernelConfig>();
const wrappers = new Set<unknown>();
let installed: FastKernel[] = [];

/** Float32 values of a tensor on the CPU backend, or null if it is not float32. */
export function f32(backend: CpuBackend, t: TensorInfo | undefined): Float32Array | null {
  if (!t || t.dtype !== "float32") return null;
  const v = backend.data.get(t.dataId).values;
  return v instanceof Float32Array ? v : null;
}

/** The reference (TF.js) kernel function saved for `name`, if any. */
export function referenceKernel(name: string): tf.KernelFunc | undefined {
  return (originals.get(name) ?? tf.getKernel(name, "cpu"))?.kernelFunc;
}

/** True when `name` currently runs medkd's fast kernel on the CPU backend. */
export function isFastKernelActive(name: string): boolean {
  return wrappers.has(tf.getKernel(name, "cpu")?.kernelFunc);
}

/**
 * True when any fast kernel is registered on the CPU backend now (false before
 * `installFastKernels()`, with `MEDKD_FAST_KERNELS=0`, and inside {@link withReferenceKernels}):
 * model code uses it to pick its own fused JS paths only where the fast kernels are on.
 */
export function fastKernelsActive(): boolean {
  for (const name of originals.keys()) if (isFastKernelActive(name)) return true;
  return false;
}

/** Register `list` on the CPU backend (idempotent); returns the names registered. */
export function registerFastKernels(list: FastKernel[]): string[] {
  const names: string[] = [];
  for (const k of list) {
    const orig = originals.get(k.name) ?? tf.getKernel(k.name, "cpu");
    if (!orig) continue;
    originals.set(k.name, orig);
    const ref = orig.kernelFunc;
    const kernelFunc = ((args: KernelArgs) => k.func(args) ?? ref(args as never)) as tf.KernelFunc;
    wrappers.add(kernelFunc);
    if (tf.getKernel(k.name, "cpu")) tf.unregisterKernel(k.name, "cpu");
    tf.registerKernel({ ...orig, kernelFunc });
    names.push(k.name);
  }
  installed = list;
  return names;
}

/** Put TF.js's reference kernels back (fast kernels can be registered again later). */
export function restoreReferenceKernels(): void {
  for (const [name, cfg] of originals) {
    if (tf.getKernel(name, "cpu")) tf.unregisterKernel(name, "cpu");
    tf.registerKernel(cfg);
  }
}

/**
 * Run `fn` with TF.js's reference kernels, then re-register the fast ones that were active.
 *
 * @example
 * ```ts
 * import { withReferenceKernels } from "./registry.ts";
 * const v = await withReferenceKernels(() => 1 + 1);
 * if (v !== 2) throw new Error("bad");
 * ```
 */
export async function withReferenceKernels<T>(fn: () => T | Promise<T>): Promise<T> {
  const active = installed.filter((k) => isFastKernelActive(k.name));
  restoreReferenceKernels();
  try {
    return await fn();
  } finally {
    registerFastKernels(active);
  }
}
