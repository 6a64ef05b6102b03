/**
 * NumPy dtype names, typed-array conversions and axis-order helpers behind `npy.ts`.
 * @module
 */

import { NpyError } from "./errors.ts";

/** NumPy dtypes medkd reads and writes. */
export type NpyDtype =
  | "bool"
  | "int8"
  | "uint8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "uint64"
  | "float16"
  | "float32"
  | "float64";

/** Typed arrays an npy array may be held in. */
export type NpyData =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

/** An n-dimensional array; `data` is in C order unless `fortranOrder`. */
export type NpyArray = {
  data: NpyData;
  shape: number[];
  dtype: NpyDtype;
  fortranOrder: boolean;
};

/** Options of the readers. */
export type NpyReadOptions = {
  /** int64/uint64 as Float64Array ("number", default) or BigInt64Array/BigUint64Array. */
  int64?: "number" | "bigint";
  /** Transpose Fortran-ordered data to C order (then `fortranOrder` is false). */
  cOrder?: boolean;
};

/**
 * Reverse the byte order of each `size`-byte element in place.
 *
 * @example
 * ```ts
 * import { swap } from "./npy_convert.ts";
 * const b = Uint8Array.of(1, 2, 3, 4);
 * swap(b, 2);
 * if (b.join() !== "2,1,4,3") throw new Error();
 * ```
 */
export function swap(b: Uint8Array, size: number): void {
  for (let i = 0; i < b.length; i += size) {
    for (let lo = i, hi = i + size - 1; lo < hi; lo++, hi--) [b[lo], b[hi]] = [b[hi], b[lo]];
  }
}

/**
 * View little-endian bytes as the typed array of `dtype` (int64 → Float64Array unless
 * `i64 === "bigint"`, float16 → Float32Array).
 *
 * @example
 * ```ts
 * import { toTyped } from "./npy_convert.ts";
 * const a = toTyped(Uint8Array.of(0, 0x3c).buffer, "float16", 1, "x.npy", "number");
 * if (a[0] !== 1) throw new Error();
 * ```
 */
export function toTyped(
  buf: ArrayBuffer,
  dtype: NpyDtype,
  n: number,
  name: string,
  i64: string,
): NpyData {
  switch (dtype) {
    case "bool":
    case "uint8":
      return new Uint8Array(buf);
    case "int8":
      return new Int8Array(buf);
    case "int16":
      return new Int16Array(buf);
    case "uint16":
      return new Uint16Array(buf);
    case "int32":
      return new Int32Array(buf);
    case "uint32":
      return new Uint32Array(buf);
    case "float32":
      return new Float32Array(buf);
    case "float64":
      return new Float64Array(buf);
    case "float16":
      return Float32Array.from(new Uint16Array(buf), halfToFloat);
    case "int64":
    case "uint64": {
      const big = dtype === "int64" ? new BigInt64Array(buf) : new BigUint64Array(buf);
      if (i64 === "bigint") return big;
      const out = new Float64Array(n);
      const lim = BigInt(Number.MAX_SAFE_INTEGER);
      for (let i = 0; i < n; i++) {
        const x = big[i];
        if (x > lim || x < -lim) {
          throw new NpyError(
            name,
            `${dtype} value ${x} at index ${i} is beyond 2^53; read with { int64: "bigint" }`,
          );
        }
        out[i] = Number(x);
      }
      return out;
    }
  }
}

/**
 * IEEE 754 half-precision bits to a number.
 *
 * @example
 * ```ts
 * import { halfToFloat } from "./npy_convert.ts";
 * if (halfToFloat(0xc100) !== -2.5) throw new Error();
 * ```
 */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/**
 * Reorder Fortran-ordered data (first axis fastest) to C order (last axis fastest).
 *
 * @example
 * ```ts
 * import { fortranToC } from "./npy_convert.ts";
 * const c = fortranToC(Int8Array.of(1, 4, 2, 5, 3, 6), [2, 3]);
 * if (c.join() !== "1,2,3,4,5,6") throw new Error();
 * ```
 */
export function fortranToC(x: NpyData, shape: number[]): NpyData {
  const out = new (x.constructor as new (n: number) => NpyData)(x.length);
  const nd = shape.length;
  const idx = new Array(nd).fill(0);
  // walk C order; keep the Fortran offset in step
  const fStride = shape.map((_, i) => shape.slice(0, i).reduce((a, b) => a * b, 1));
  let f = 0;
  for (let c = 0; c < x.length; c++) {
    (out as Float64Array)[c] = (x as Float64Array)[f];
    for (let ax = nd - 1; ax >= 0; ax--) {
      idx[ax]++;
      f += fStride[ax];
      if (idx[ax] < shape[ax]) break;
      f -= fStride[ax] * shape[ax];
      idx[ax] = 0;
    }
  }
  return out;
}

/**
 * The npy dtype of a typed array (plain arrays are float64).
 *
 * @example
 * ```ts
 * import { dtypeOf } from "./npy_convert.ts";
 * if (dtypeOf(new Int16Array(1)) !== "int16" || dtypeOf([1]) !== "float64") throw new Error();
 * ```
 */
export function dtypeOf(d: NpyData | number[]): NpyDtype {
  if (Array.isArray(d)) return "float64";
  if (d instanceof BigInt64Array) return "int64";
  if (d instanceof BigUint64Array) return "uint64";
  return d.constructor.name.replace("Array", "").toLowerCase() as NpyDtype;
}

/**
 * Values of `d` in the typed array of `dtype` (no copy when it already is one; integers
 * truncated toward zero for int64/uint64; bool is 0/1).
 *
 * @example
 * ```ts
 * import { convert } from "./npy_convert.ts";
 * if (convert([0, 2], "bool").join() !== "0,1") throw new Error();
 * ```
 */
export function convert(d: NpyData | number[], dtype: NpyDtype): NpyData {
  if (!Array.isArray(d) && dtypeOf(d) === dtype) return d;
  const n = d.length;
  const src = (i: number) => Number(d[i]);
  switch (dtype) {
    case "int64":
      return BigInt64Array.from({ length: n }, (_, i) => BigInt(Math.trunc(src(i))));
    case "uint64":
      return BigUint64Array.from({ length: n }, (_, i) => BigInt(Math.trunc(src(i))));
    case "bool":
      return Uint8Array.from({ length: n }, (_, i) => (src(i) ? 1 : 0));
  }
  const C = {
    int8: Int8Array,
    uint8: Uint8Array,
    int16: Int16Array,
    uint16: Uint16Array,
    int32: Int32Array,
    uint32: Uint32Array,
    float32: Float32Array,
    float64: Float64Array,
  }[dtype as "float64"];
  return C.from({ length: n }, (_, i) => src(i));
}
