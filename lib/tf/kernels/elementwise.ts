/**
 * Fast float32 element-wise kernels: binary ops on equal shapes, with a scalar, or with one
 * operand broadcast along leading axes (e.g. a per-channel `[C]` vector) or trailing axes (e.g.
 * a per-sample `[N, 1, 1, 1]` tensor); and common unary ops. Other broadcasts fall back to the
 * reference kernels. Loops are specialised per op once (generated from the op's formula, which
 * is the same as TF.js's CPU kernel).
 * @module
 */
import { f32, type FastKernel, type KernelArgs, type TensorInfo } from "./registry.ts";

const BINARY: Record<string, string> = {
  Add: "a + b",
  Sub: "a - b",
  Multiply: "a * b",
  RealDiv: "a / b",
  Maximum: "Math.max(a, b)",
  Minimum: "Math.min(a, b)",
  SquaredDifference: "(a - b) * (a - b)",
};

const UNARY: Record<string, string> = {
  Relu: "x < 0 ? 0 : x",
  Relu6: "x < 0 ? 0 : (x > 6 ? 6 : x)",
  Neg: "-x",
  Square: "x * x",
  Sqrt: "Math.sqrt(x)",
  Rsqrt: "1 / Math.sqrt(x)",
  Exp: "Math.exp(x)",
  Log: "Math.log(x)",
  Abs: "Math.abs(x)",
  Sigmoid: "1 / (1 + Math.exp(-x))",
  Reciprocal: "1 / x",
};

type Loop = (A: Float32Array, B: Float32Array, O: Float32Array, n: number, s: number) => void;
type Mode = "same" | "aScalar" | "bScalar" | "aSuffix" | "bSuffix" | "aPrefix" | "bPrefix";

const BODIES: Record<Mode, string> = {
  same: "for (let i = 0; i < n; i++) { const a = A[i], b = B[i]; O[i] = E; }",
  aScalar: "const a = A[0]; for (let i = 0; i < n; i++) { const b = B[i]; O[i] = E; }",
  bScalar: "const b = B[0]; for (let i = 0; i < n; i++) { const a = A[i]; O[i] = E; }",
  aSuffix: "for (let o = 0; o < n; o += s) for (let j = 0; j < s; j++) " +
    "{ const a = A[j], b = B[o + j]; O[o + j] = E; }",
  bSuffix: "for (let o = 0; o < n; o += s) for (let j = 0; j < s; j++) " +
    "{ const a = A[o + j], b = B[j]; O[o + j] = E; }",
  aPrefix: "for (let o = 0, r = 0; o < n; o += s, r++) { const a = A[r]; " +
    "for (let j = o; j < o + s; j++) { const b = B[j]; O[j] = E; } }",
  bPrefix: "for (let o = 0, r = 0; o < n; o += s, r++) { const b = B[r]; " +
    "for (let j = o; j < o + s; j++) { const a = A[j]; O[j] = E; } }",
};

const loops = new Map<string, Loop>();

function loopFor(expr: string, mode: Mode): Loop {
  const key = `${mode}|${expr}`;
  let f = loops.get(key);
  if (!f) {
    f = new Function("A", "B", "O", "n", "s", BODIES[mode].replace("E", expr)) as Loop;
    loops.set(key, f);
  }
  return f;
}

/** How `shape` (right-aligned to `out`) broadcasts: full, scalar, suffix or prefix block. */
function classify(
  shape: number[],
  out: number[],
): { kind: "full" | "scalar" | "suffix" | "prefix"; s: number } | null {
  const r = out.length;
  const p = [...Array(r - shape.length).fill(1), ...shape];
  const size = p.reduce((a, b) => a * b, 1);
  const total = out.reduce((a, b) => a * b, 1);
  if (size === total) return { kind: "full", s: total };
  if (size === 1) return { kind: "scalar", s: 1 };
  // suffix: 1s then equal dims; prefix: equal dims then 1s (dims of size 1 match either way)
  let k = 0;
  while (k < r && p[k] === 1) k++;
  if (p.slice(k).every((d, i) => d === out[k + i])) {
    return { kind: "suffix", s: out.slice(k).reduce((a, b) => a * b, 1) };
  }
  let m = r;
  while (m > 0 && p[m - 1] === 1) m--;
  if (p.slice(0, m).every((d, i) => d === out[i])) {
    return { kind: "prefix", s: out.slice(m).reduce((a, b) => a * b, 1) };
  }
  return null;
}

function broadcastShape(a: number[], b: number[]): number[] | null {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1, y = b[b.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.push(x === 1 ? y : x);
  }
  return out;
}

function binary(name: string): FastKernel {
  const expr = BINARY[name];
  return {
    name,
    func(args: KernelArgs): TensorInfo | null {
      const { a, b } = args.inputs;
      const av = f32(args.backend, a), bv = f32(args.backend, b);
      if (!av || !bv) return null;
      const out = broadcastShape(a.shape, b.shape);
      if (!out) return null;
      const ca = classify(a.shape, out), cb = classify(b.shape, out);
      if (!ca || !cb) return null;
      const n = out.reduce((x, y) => x * y, 1);
      let mode: Mode, s = 1;
      if (ca.kind === "full" && cb.kind === "full") mode = "same";
      else if (cb.kind === "scalar" && ca.kind === "full") mode = "bScalar";
      else if (ca.kind === "scalar" && cb.kind === "full") mode = "aScalar";
      else if (ca.kind === "full" && cb.kind !== "full") {
        mode = cb.kind === "suffix" ? "bSuffix" : "bPrefix";
        s = cb.s;
      } else if (cb.kind === "full") {
        mode = ca.kind === "suffix" ? "aSuffix" : "aPrefix";
        s = ca.s;
      } else return null;
      if (mode === "bPrefix" || mode === "aPrefix") s = s || 1;
      const o = new Float32Array(n);
      if (n > 0) loopFor(expr, mode)(av, bv, o, n, s);
      return args.backend.makeTensorInfo(out, "float32", o);
    },
  };
}

function unary(name: string): FastKernel {
  const f = new Function(
    "X",
    "O",
    `for (let i = 0; i < X.length; i++) { const x = X[i]; O[i] = ${UNARY[name]}; }`,
  ) as (x: Float32Array, o: Float32Array) => void;
  return {
    name,
    func(args: KernelArgs): TensorInfo | null {
      const { x } = args.inputs;
      const xv = f32(args.backend, x);
      if (!xv) return null;
      const o = new Float32Array(xv.length);
      f(xv, o);
      return args.backend.makeTensorInfo([...x.shape], "float32", o);
    },
  };
}

/** `Step` (used by ReLU's gradient): `x > 0 ? 1 : alpha`, NaN kept. */
const step: FastKernel = {
  name: "Step",
  func(args) {
    const { x } = args.inputs;
    const xv = f32(args.backend, x);
    if (!xv) return null;
    const alpha = args.attrs?.alpha ?? 0;
    const o = new Float32Array(xv.length);
    for (let i = 0; i < xv.length; i++) {
      const v = xv[i];
      o[i] = Number.isNaN(v) ? NaN : v > 0 ? 1 : alpha;
    }
    return args.backend.makeTensorInfo([...x.shape], "float32", o);
  },
};

/** The element-wise kernels. */
export const elementwiseKernels: FastKernel[] = [
  ...Object.keys(BINARY).map(binary),
  ...Object.keys(UNARY).map(unary),
  step,
];
