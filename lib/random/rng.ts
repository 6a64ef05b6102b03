/**
 * A fast seeded pseudo-random generator (xoshiro128**, seeded through splitmix32) that every
 * random choice in medkd goes through: phantoms, augmentation, initialisation, shuffling.
 *
 * `fork(key)` derives an independent stream (per worker, per epoch, per case) without disturbing
 * the parent, so results do not depend on the order in which streams are consumed.
 *
 * @module
 */

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a hash of a string to 32 bits (for string seeds and fork keys). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function seedToInt(seed: number | string): number {
  if (typeof seed === "string") return hashString(seed);
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be finite, got ${seed}`);
  // Mix both halves of a (possibly > 32-bit) integer seed.
  const hi = Math.floor(seed / 2 ** 32) >>> 0;
  return (seed >>> 0) ^ Math.imul(hi, 0x9e3779b1);
}

/** Seeded generator. Create with {@link createRng}. */
export class Rng {
  #s: Uint32Array;
  #spare: number | undefined;

  /** Use {@link createRng}; `state` is 4 uint32 words, not all zero. */
  constructor(state: Uint32Array) {
    if (state.length !== 4 || state.every((v) => v === 0)) {
      throw new RangeError("Rng state must be 4 uint32 words, not all zero");
    }
    this.#s = Uint32Array.from(state);
  }

  /** Next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  random(): number {
    const a = this.nextUint32() >>> 5; // 27 bits
    const b = this.nextUint32() >>> 6; // 26 bits
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Uniform in [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.random();
  }

  /** Normal (Gaussian) sample, Box–Muller with the spare value cached. */
  normal(mean = 0, std = 1): number {
    let z: number;
    if (this.#spare !== undefined) {
      z = this.#spare;
      this.#spare = undefined;
    } else {
      let u = 0;
      while (u === 0) u = this.random();
      const v = this.random();
      const r = Math.sqrt(-2 * Math.log(u));
      z = r * Math.cos(2 * Math.PI * v);
      this.#spare = r * Math.sin(2 * Math.PI * v);
    }
    return mean + std * z;
  }

  /** Integer uniform in [lo, hi) (hi exclusive), unbiased. */
  int(lo: number, hi: number): number {
    const n = Math.floor(hi) - Math.floor(lo);
    if (!(n > 0)) throw new RangeError(`int(${lo}, ${hi}): empty range`);
    if (n <= 2 ** 32) {
      const limit = 2 ** 32 - (2 ** 32 % n);
      let x: number;
      do x = this.nextUint32(); while (x >= limit);
      return Math.floor(lo) + (x % n);
    }
    return Math.floor(lo) + Math.floor(this.random() * n);
  }

  /** True with probability p. */
  bernoulli(p = 0.5): boolean {
    return this.random() < p;
  }

  /** Fisher–Yates shuffle, in place; returns the same array. */
  shuffle<T>(arr: T[]): T[] {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(0, i + 1);
      const t = arr[i];
      arr[i] = arr[j];
      arr[j] = t;
    }
    return arr;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): number[] {
    return this.shuffle(Array.from({ length: n }, (_, i) => i));
  }

  /**
   * Pick one element, or `k` elements; without replacement by default. Optional weights
   * (non-negative, not all zero) apply to single picks and to sampling with replacement.
   */
  choice<T>(arr: readonly T[]): T;
  choice<T>(arr: readonly T[], k: number, opts?: { replace?: boolean; weights?: number[] }): T[];
  choice<T>(
    arr: readonly T[],
    k?: number,
    opts: { replace?: boolean; weights?: number[] } = {},
  ): T | T[] {
    if (arr.length === 0) throw new RangeError("choice from an empty array");
    const pickOne = (): T => {
      if (!opts.weights) return arr[this.int(0, arr.length)];
      const w = opts.weights;
      if (w.length !== arr.length) throw new RangeError("choice: weights length mismatch");
      const total = w.reduce((a, b) => a + b, 0);
      if (!(total > 0)) throw new RangeError("choice: weights sum to zero");
      let r = this.random() * total;
      for (let i = 0; i < w.length; i++) {
        r -= w[i];
        if (r < 0) return arr[i];
      }
      return arr[arr.length - 1];
    };
    if (k === undefined) return pickOne();
    if (opts.replace) return Array.from({ length: k }, pickOne);
    if (opts.weights) throw new RangeError("choice: weights need replace: true");
    if (k > arr.length) throw new RangeError(`choice: k=${k} > ${arr.length} without replacement`);
    return this.permutation(arr.length).slice(0, k).map((i) => arr[i]);
  }

  /** Fill an array with uniform values in [lo, hi). */
  fillUniform<A extends { length: number; [i: number]: number }>(out: A, lo = 0, hi = 1): A {
    for (let i = 0; i < out.length; i++) out[i] = lo + (hi - lo) * this.random();
    return out;
  }

  /** Fill an array with normal values. */
  fillNormal<A extends { length: number; [i: number]: number }>(out: A, mean = 0, std = 1): A {
    for (let i = 0; i < out.length; i++) out[i] = this.normal(mean, std);
    return out;
  }

  /** A 31-bit seed for APIs that take an integer seed (TF.js initialisers, workers). */
  seed(): number {
    return this.nextUint32() >>> 1;
  }

  /**
   * An independent child stream named by `key`. The child depends on the parent's current state
   * and the key; the parent is not advanced. Fork from a root generator that draws nothing
   * itself (`root.fork("epoch-3")`, `root.fork(workerId)`) to get streams that do not depend on
   * the order in which other streams are consumed.
   */
  fork(key: number | string): Rng {
    const k = typeof key === "string" ? hashString(key) : seedToInt(key);
    const mix = splitmix32(
      (this.#s[0] ^ Math.imul(this.#s[1], 0x9e3779b1) ^ rotl(this.#s[2], 13) ^
        rotl(this.#s[3], 27) ^ Math.imul(k, 0x85ebca6b)) >>> 0,
    );
    const st = new Uint32Array(4);
    for (let i = 0; i < 4; i++) st[i] = mix() ^ Math.imul(k + i, 0xc2b2ae35);
    if (st.every((v) => v === 0)) st[0] = 1;
    return new Rng(st);
  }

  /** Snapshot of the state (for checkpoints); restore with {@link Rng.fromState}. */
  getState(): number[] {
    return [...this.#s, ...(this.#spare === undefined ? [] : [this.#spare])];
  }

  /** Rebuild a generator from {@link Rng.getState}. */
  static fromState(state: readonly number[]): Rng {
    const r = new Rng(Uint32Array.from(state.slice(0, 4)));
    if (state.length > 4) r.#spare = state[4];
    return r;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * Create a generator from a number or string seed. Same seed, same stream, on every platform.
 *
 * @example
 * ```ts
 * import { createRng } from "./rng.ts";
 * const a = createRng(42), b = createRng(42);
 * if (a.uniform() !== b.uniform()) throw new Error("not reproducible");
 * const perm = createRng(1).permutation(5).sort();
 * if (perm.join() !== "0,1,2,3,4") throw new Error("not a permutation");
 * ```
 */
export function createRng(seed: number | string): Rng {
  const mix = splitmix32(seedToInt(seed));
  const st = new Uint32Array(4);
  for (let i = 0; i < 4; i++) st[i] = mix();
  if (st.every((v) => v === 0)) st[0] = 1;
  return new Rng(st);
}
