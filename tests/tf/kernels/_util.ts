/** Shared helpers for the fast-kernel tests: setup, random tensors, fast-vs-reference checks. */
import assert from "node:assert/strict";
import { initBackend, tf } from "../../../lib/tf/mod.ts";
import {
  installFastKernels,
  loadGemm,
  setGemm,
  withReferenceKernels,
} from "../../../lib/tf/kernels/mod.ts";
import { createRng, type Rng } from "../../../lib/random/mod.ts";

/** CPU backend with the fast kernels installed even when `MEDKD_FAST_KERNELS=0`. */
export async function setup(): Promise<void> {
  await initBackend("cpu", { quiet: true });
  await installFastKernels({ force: true });
}

/** Run `fn` once per GEMM provider (native BLAS if it loads, and wasm), restoring the native one. */
export async function forEachGemm(fn: (name: string) => Promise<void> | void): Promise<void> {
  const native = await loadGemm();
  const providers = native.name === "wasm-simd" ? [native] : [native, await loadGemm("wasm")];
  try {
    for (const g of providers) {
      setGemm(g);
      await fn(g.name);
    }
  } finally {
    setGemm(native);
  }
}

/** A float32 tensor of normal(0, 1) values. */
export function randn(rng: Rng, shape: number[]): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.normal();
  return tf.tensor(v, shape);
}

export { createRng };

/** Assert `got` equals `want` to `tol` relative to want's largest magnitude. */
export function assertClose(got: tf.Tensor, want: tf.Tensor, tol = 1e-4, label = ""): void {
  assert.deepEqual(got.shape, want.shape, `${label}: shape`);
  const a = got.dataSync(), b = want.dataSync();
  let scale = 1e-6, err = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= err)) err = Number.isNaN(d) ? Infinity : d;
  }
  assert.ok(err <= tol * scale, `${label}: max abs error ${err} > ${tol} × ${scale}`);
}

/**
 * Compute `fn` (returning tensors) with the fast kernels and with TF.js's reference kernels, and
 * assert every output matches.
 */
export async function compareWithReference(
  label: string,
  fn: () => tf.Tensor[],
  tol = 1e-4,
): Promise<void> {
  const fast = fn();
  const ref = await withReferenceKernels(() => fn());
  assert.equal(fast.length, ref.length);
  for (let i = 0; i < fast.length; i++) assertClose(fast[i], ref[i], tol, `${label} [${i}]`);
  tf.dispose([...fast, ...ref]);
}
