import assert from "node:assert/strict";
import { BlasError, loadGemm } from "../../../lib/tf/kernels/mod.ts";
import { createRng } from "../../../lib/random/mod.ts";

Deno.test("every GEMM provider matches a float64 GEMM (transposes, strides, alpha/beta)", async () => {
  const rng = createRng(61);
  const providers = [await loadGemm(), await loadGemm("wasm")];
  const m = 13, n = 21, k = 17, ld = 30;
  const a = Float32Array.from({ length: ld * ld }, () => rng.normal());
  const b = Float32Array.from({ length: ld * ld }, () => rng.normal());
  const c0 = Float32Array.from({ length: m * ld }, () => rng.normal());
  for (const g of providers) {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
      const c = Float32Array.from(c0);
      g.sgemm(ta, tb, m, n, k, 0.5, a, ld, b, ld, 2, c, ld);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < ld; j++) {
          let want = c0[i * ld + j];
          if (j < n) {
            let s = 0;
            for (let p = 0; p < k; p++) {
              s += a[ta ? p * ld + i : i * ld + p] * b[tb ? j * ld + p : p * ld + j];
            }
            want = 0.5 * s + 2 * want;
          }
          assert.ok(Math.abs(c[i * ld + j] - want) < 1e-4, `${g.name} ${ta}/${tb} (${i},${j})`);
        }
      }
    }
  }
});

Deno.test("MEDKD_BLAS naming a missing library is a BlasError", async () => {
  await assert.rejects(() => loadGemm("/nonexistent/libnothing.so"), BlasError);
  assert.equal((await loadGemm("wasm")).name, "wasm-simd");
});

Deno.test("native OpenBLAS results are bit-identical across repeated calls", async () => {
  const g = await loadGemm();
  const rng = createRng(62);
  const m = 300, n = 40, k = 500;
  const a = Float32Array.from({ length: m * k }, () => rng.normal());
  const b = Float32Array.from({ length: k * n }, () => rng.normal());
  const c1 = new Float32Array(m * n), c2 = new Float32Array(m * n);
  g.sgemm(false, false, m, n, k, 1, a, k, b, n, 0, c1, n);
  g.sgemm(false, false, m, n, k, 1, a, k, b, n, 0, c2, n);
  assert.deepEqual(c1, c2);
});
