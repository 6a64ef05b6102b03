/**
 * The WebAssembly SIMD GEMM (`wasm/gemm.c`, built by `wasm/build.sh`, `wasm/gemm.wasm`
 * committed). Operands are copied into the module's memory (transposed ones packed), multiplied
 * there and copied back.
 * @module
 */
import type { Gemm } from "./blas.ts";

type Exports = {
  memory: WebAssembly.Memory;
  heap_base(): number;
  sgemm_nn(
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: number,
    b: number,
    beta: number,
    c: number,
  ): void;
};

async function wasmBytes(): Promise<Uint8Array> {
  const url = new URL("./wasm/gemm.wasm", import.meta.url);
  if (url.protocol === "file:") return await Deno.readFile(url);
  return new Uint8Array(await (await fetch(url)).arrayBuffer());
}

/** Copy `rows×cols` of a (possibly transposed) strided matrix into `dst` as dense row-major. */
function pack(
  dst: Float32Array,
  src: Float32Array,
  rows: number,
  cols: number,
  ld: number,
  trans: boolean,
): void {
  if (!trans) {
    if (ld === cols) dst.set(src.subarray(0, rows * cols));
    else for (let r = 0; r < rows; r++) dst.set(src.subarray(r * ld, r * ld + cols), r * cols);
    return;
  }
  // stored cols×rows with stride ld; element (r, c) = src[c*ld + r]
  for (let c = 0; c < cols; c++) {
    const o = c * ld;
    for (let r = 0; r < rows; r++) dst[r * cols + c] = src[o + r];
  }
}

/** Instantiate the wasm GEMM. */
export async function loadWasmGemm(): Promise<Gemm> {
  const module = await WebAssembly.compile(await wasmBytes() as BufferSource);
  const instance = await WebAssembly.instantiate(module, {});
  const ex = instance.exports as unknown as Exports;
  const base = (ex.heap_base() + 63) & ~63;
  const ensure = (bytes: number) => {
    const have = ex.memory.buffer.byteLength;
    if (base + bytes > have) ex.memory.grow(Math.ceil((base + bytes - have) / 65536));
  };
  return {
    name: "wasm-simd",
    sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) {
      if (m === 0 || n === 0) return;
      const aOff = base, bOff = aOff + 4 * m * k, cOff = bOff + 4 * k * n;
      ensure(4 * (m * k + k * n + m * n));
      const heap = new Float32Array(ex.memory.buffer);
      pack(heap.subarray(aOff / 4, aOff / 4 + m * k), a, m, k, lda, ta);
      pack(heap.subarray(bOff / 4, bOff / 4 + k * n), b, k, n, ldb, tb);
      const hc = heap.subarray(cOff / 4, cOff / 4 + m * n);
      if (beta !== 0) pack(hc, c, m, n, ldc, false);
      ex.sgemm_nn(m, n, k, alpha, aOff, bOff, beta, cOff);
      if (ldc === n) c.set(hc);
      else for (let r = 0; r < m; r++) c.set(hc.subarray(r * n, r * n + n), r * ldc);
    },
  };
}
