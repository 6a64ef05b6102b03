// WebAssembly SIMD single-precision GEMM for medkd's fast CPU kernels (fallback when no native
// BLAS loads). Row-major, no transposes: C[m x n] = alpha * A[m x k] * B[k x n] + beta * C.
// The JavaScript side packs transposed operands before calling. Each C element is reduced over
// k in increasing order, so results are deterministic.
#include <wasm_simd128.h>

extern unsigned char __heap_base;

__attribute__((export_name("heap_base"))) unsigned heap_base(void) {
  return (unsigned)(unsigned long)&__heap_base;
}

static void scale_rows(int m, int n, float beta, float *C) {
  int total = m * n;
  if (beta == 0.0f) {
    for (int i = 0; i < total; i++) C[i] = 0.0f;
  } else if (beta != 1.0f) {
    for (int i = 0; i < total; i++) C[i] *= beta;
  }
}

// Four rows of C, eight columns at a time (two 4-lane vectors per row).
static void block4(int n, int k, float alpha, const float *A, const float *B, float *C, int j0) {
  int j = j0;
  for (; j + 8 <= n; j += 8) {
    v128_t c00 = wasm_f32x4_splat(0), c01 = wasm_f32x4_splat(0);
    v128_t c10 = wasm_f32x4_splat(0), c11 = wasm_f32x4_splat(0);
    v128_t c20 = wasm_f32x4_splat(0), c21 = wasm_f32x4_splat(0);
    v128_t c30 = wasm_f32x4_splat(0), c31 = wasm_f32x4_splat(0);
    const float *a0 = A, *a1 = A + k, *a2 = A + 2 * k, *a3 = A + 3 * k;
    const float *b = B + j;
    for (int p = 0; p < k; p++, b += n) {
      v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
      v128_t x0 = wasm_f32x4_splat(a0[p]), x1 = wasm_f32x4_splat(a1[p]);
      v128_t x2 = wasm_f32x4_splat(a2[p]), x3 = wasm_f32x4_splat(a3[p]);
      c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(x0, b0));
      c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(x0, b1));
      c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(x1, b0));
      c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(x1, b1));
      c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(x2, b0));
      c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(x2, b1));
      c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(x3, b0));
      c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(x3, b1));
    }
    v128_t al = wasm_f32x4_splat(alpha);
    float *r0 = C + j, *r1 = C + n + j, *r2 = C + 2 * n + j, *r3 = C + 3 * n + j;
    wasm_v128_store(r0, wasm_f32x4_add(wasm_v128_load(r0), wasm_f32x4_mul(al, c00)));
    wasm_v128_store(r0 + 4, wasm_f32x4_add(wasm_v128_load(r0 + 4), wasm_f32x4_mul(al, c01)));
    wasm_v128_store(r1, wasm_f32x4_add(wasm_v128_load(r1), wasm_f32x4_mul(al, c10)));
    wasm_v128_store(r1 + 4, wasm_f32x4_add(wasm_v128_load(r1 + 4), wasm_f32x4_mul(al, c11)));
    wasm_v128_store(r2, wasm_f32x4_add(wasm_v128_load(r2), wasm_f32x4_mul(al, c20)));
    wasm_v128_store(r2 + 4, wasm_f32x4_add(wasm_v128_load(r2 + 4), wasm_f32x4_mul(al, c21)));
    wasm_v128_store(r3, wasm_f32x4_add(wasm_v128_load(r3), wasm_f32x4_mul(al, c30)));
    wasm_v128_store(r3 + 4, wasm_f32x4_add(wasm_v128_load(r3 + 4), wasm_f32x4_mul(al, c31)));
  }
  for (; j < n; j++) {
    for (int r = 0; r < 4; r++) {
      float s = 0.0f;
      const float *a = A + r * k;
      for (int p = 0; p < k; p++) s += a[p] * B[p * n + j];
      C[r * n + j] += alpha * s;
    }
  }
}

static void row1(int n, int k, float alpha, const float *A, const float *B, float *C) {
  int j = 0;
  for (; j + 4 <= n; j += 4) {
    v128_t c = wasm_f32x4_splat(0);
    const float *b = B + j;
    for (int p = 0; p < k; p++, b += n) {
      c = wasm_f32x4_add(c, wasm_f32x4_mul(wasm_f32x4_splat(A[p]), wasm_v128_load(b)));
    }
    wasm_v128_store(C + j, wasm_f32x4_add(wasm_v128_load(C + j), wasm_f32x4_mul(wasm_f32x4_splat(alpha), c)));
  }
  for (; j < n; j++) {
    float s = 0.0f;
    for (int p = 0; p < k; p++) s += A[p] * B[p * n + j];
    C[j] += alpha * s;
  }
}

__attribute__((export_name("sgemm_nn"))) void sgemm_nn(int m, int n, int k, float alpha,
                                                       const float *A, const float *B,
                                                       float beta, float *C) {
  scale_rows(m, n, beta, C);
  int i = 0;
  for (; i + 4 <= m; i += 4) block4(n, k, alpha, A + i * k, B, C + i * n, 0);
  for (; i < m; i++) row1(n, k, alpha, A + i * k, B, C + i * n);
}
