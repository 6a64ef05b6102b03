/**
 * Fast CPU kernels for BatchMatMul and _FusedMatMul (GEMM per batch; batch dimensions equal or
 * broadcast from 1, other broadcasts fall back to the reference kernel).
 * @module
 */
import { activationSupported, addBias, applyActivation } from "./activation.ts";
import { gemm } from "./gemm_state.ts";
import { f32, type FastKernel, type KernelArgs, type TensorInfo } from "./registry.ts";

function prod(s: number[]): number {
  return s.reduce((a, b) => a * b, 1);
}

function matmul(args: KernelArgs): { y: Float32Array; shape: number[]; n: number } | null {
  const { a, b } = args.inputs;
  const { transposeA, transposeB } = args.attrs;
  const av = f32(args.backend, a), bv = f32(args.backend, b);
  if (!av || !bv || a.shape.length < 2 || b.shape.length < 2) return null;
  const ra = a.shape.length, rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (k !== kb) return null;
  const outerA = a.shape.slice(0, -2) as number[], outerB = b.shape.slice(0, -2) as number[];
  const ba = prod(outerA), bb = prod(outerB);
  let outer: number[];
  if (ba === bb && outerA.join() === outerB.join()) outer = outerA;
  else if (bb === 1 && outerB.length <= outerA.length) outer = outerA;
  else if (ba === 1 && outerA.length <= outerB.length) outer = outerB;
  else return null;
  const batch = Math.max(ba, bb);
  const y = new Float32Array(batch * m * n);
  const g = gemm();
  const lda = transposeA ? m : k, ldb = transposeB ? k : n;
  if (bb === 1 && !transposeA && ba > 1) {
    g.sgemm(false, !!transposeB, ba * m, n, k, 1, av, lda, bv, ldb, 0, y, n);
  } else {
    for (let i = 0; i < batch; i++) {
      g.sgemm(
        !!transposeA,
        !!transposeB,
        m,
        n,
        k,
        1,
        av.subarray(ba === 1 ? 0 : i * m * k),
        lda,
        bv.subarray(bb === 1 ? 0 : i * k * n),
        ldb,
        0,
        y.subarray(i * m * n),
        n,
      );
    }
  }
  return { y, shape: [...outer, m, n], n };
}

const batchMatMul: FastKernel = {
  name: "BatchMatMul",
  func(args): TensorInfo | null {
    const r = matmul(args);
    return r ? args.backend.makeTensorInfo(r.shape, "float32", r.y) : null;
  },
};

const fusedMatMul: FastKernel = {
  name: "_FusedMatMul",
  func(args): TensorInfo | null {
    const { bias, preluActivationWeights } = args.inputs;
    const { activation, leakyreluAlpha } = args.attrs;
    const bv = bias ? f32(args.backend, bias) : null;
    const alpha = preluActivationWeights ? f32(args.backend, preluActivationWeights) : null;
    if (bias && !bv) return null;
    const r = matmul(args);
    if (!r) return null;
    if (bv && (bv.length !== 1 && bv.length !== r.n && bv.length !== r.y.length)) return null;
    if (
      bv && bv.length === r.n && bias.shape.length > 1 &&
      bias.shape.some((d: number, i: number) => i < bias.shape.length - 1 && d !== 1)
    ) return null;
    if (!activationSupported(activation, alpha, r.n, r.y.length)) return null;
    if (bv) addBias(r.y, bv, r.n);
    applyActivation(r.y, activation, r.n, alpha, leakyreluAlpha);
    return args.backend.makeTensorInfo(r.shape, "float32", r.y);
  },
};

/** The matmul kernels. */
export const matmulKernels: FastKernel[] = [batchMatMul, fusedMatMul];
