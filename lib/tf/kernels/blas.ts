/**
 * GEMM providers for the fast CPU kernels: native CBLAS through Deno FFI (OpenBLAS on Linux,
 * Accelerate on macOS, or the library named by `MEDKD_BLAS=/path`) and a WebAssembly SIMD
 * fallback (`MEDKD_BLAS=wasm` forces it).
 *
 * Determinism: every provider computes each output element with a fixed reduction order for a
 * given shape. OpenBLAS splits `sgemm` over M and N only (never over K), so its results are
 * bit-for-bit repeatable for a fixed thread count (`MEDKD_THREADS`, default: all cores).
 *
 * @module
 */
import { loadWasmGemm } from "./wasm_gemm.ts";

/**
 * A row-major single-precision GEMM: `C[m×n] = alpha·op(A)·op(B) + beta·C`, where `op(A)` is
 * `m×k` (stored `k×m` when `transA`), `op(B)` is `k×n` (stored `n×k` when `transB`). Arrays are
 * views whose first element is the matrix's first element; `lda`, `ldb`, `ldc` are row strides.
 */
export type Gemm = {
  /** Provider, e.g. `openblas (libopenblas.so.0, 2 threads)` or `wasm-simd`. */
  name: string;
  sgemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float32Array,
    lda: number,
    b: Float32Array,
    ldb: number,
    beta: number,
    c: Float32Array,
    ldc: number,
  ): void;
};

/** Thrown when `MEDKD_BLAS` names a library that cannot be used. */
export class BlasError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BlasError";
  }
}

const SYMBOLS = {
  cblas_sgemm: {
    parameters: [
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "f32",
      "buffer",
      "i32",
      "buffer",
      "i32",
      "f32",
      "buffer",
      "i32",
    ],
    result: "void",
  },
  openblas_set_num_threads: { parameters: ["i32"], result: "void", optional: true },
} as const;

/** An environment variable, or undefined when unset or when env access is not permitted. */
export function env(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/** Thread count for native BLAS: `MEDKD_THREADS` or the number of logical cores. */
export function blasThreads(): number {
  const v = Number(env("MEDKD_THREADS"));
  if (Number.isInteger(v) && v > 0) return v;
  return Math.max(1, navigator.hardwareConcurrency ?? 1);
}

function candidates(): string[] {
  if (Deno.build.os === "darwin") {
    return ["/System/Library/Frameworks/Accelerate.framework/Accelerate", "libopenblas.dylib"];
  }
  if (Deno.build.os === "windows") return ["libopenblas.dll", "openblas.dll"];
  return ["libopenblas.so.0", "libopenblas.so", "libblas.so.3"];
}

const CblasRowMajor = 101;
const CblasNoTrans = 111;
const CblasTrans = 112;

/** Open a CBLAS library by path or soname; throws if it lacks `cblas_sgemm`. */
export function openNativeGemm(path: string): Gemm {
  const lib = Deno.dlopen(path, SYMBOLS);
  const threads = blasThreads();
  if (lib.symbols.openblas_set_num_threads) lib.symbols.openblas_set_num_threads(threads);
  const f = lib.symbols.cblas_sgemm;
  const short = path.split("/").pop();
  const kind = /accelerate/i.test(path)
    ? "accelerate"
    : /openblas/i.test(path)
    ? "openblas"
    : "cblas";
  return {
    name: `${kind} (${short}${lib.symbols.openblas_set_num_threads ? `, ${threads} threads` : ""})`,
    sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) {
      if (m === 0 || n === 0) return;
      f(
        CblasRowMajor,
        ta ? CblasTrans : CblasNoTrans,
        tb ? CblasTrans : CblasNoTrans,
        m,
        n,
        k,
        alpha,
        a,
        lda,
        b,
        ldb,
        beta,
        c,
        ldc,
      );
    },
  };
}

/**
 * The best available GEMM: `MEDKD_BLAS` (a path, or `wasm`), else the platform's CBLAS, else
 * WebAssembly SIMD. Native BLAS needs `--allow-ffi`; without it the wasm GEMM is used.
 *
 * @example
 * ```ts
 * import { loadGemm } from "./blas.ts";
 * const g = await loadGemm("wasm");
 * const c = new Float32Array(1);
 * g.sgemm(false, false, 1, 1, 2, 1, new Float32Array([1, 2]), 2, new Float32Array([3, 4]), 1, 0, c, 1);
 * if (c[0] !== 11) throw new Error(String(c[0]));
 * ```
 */
export async function loadGemm(want?: string): Promise<Gemm> {
  const choice = want ?? env("MEDKD_BLAS");
  if (choice === "wasm") return await loadWasmGemm();
  if (choice) {
    try {
      return openNativeGemm(choice);
    } catch (e) {
      throw new BlasError(
        `MEDKD_BLAS=${choice}: cannot load cblas_sgemm (${(e as Error).message})`,
      );
    }
  }
  for (const path of candidates()) {
    try {
      return openNativeGemm(path);
    } catch {
      // missing library, missing symbol or no --allow-ffi: try the next one
    }
  }
  return await loadWasmGemm();
}
