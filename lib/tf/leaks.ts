/**
 * Test helper: assert that a function leaves no tensors behind.
 *
 * @module
 */
import * as tf from "./tf.ts";

/** Thrown when a function leaves more (or fewer) live tensors than it found. */
export class TensorLeakError extends Error {
  constructor(readonly label: string, readonly before: number, readonly after: number) {
    super(
      `${label}: ${
        after - before
      } tensor(s) leaked (live tensors ${before} before, ${after} after)`,
    );
    this.name = "TensorLeakError";
  }
}

/**
 * Run `fn` (sync or async) and throw {@link TensorLeakError} if the number of live tensors
 * changed. The function's return value is passed through; if it returns tensors, dispose them
 * inside `fn` or count them with `allowed`.
 *
 * @example
 * ```ts
 * import * as tf from "./tf.ts";
 * import { assertNoLeak } from "./leaks.ts";
 * await assertNoLeak(() => tf.tidy(() => tf.ones([2, 2]).sum().dataSync()[0]));
 * let leaked: tf.Tensor | undefined;
 * let threw = false;
 * try { await assertNoLeak(() => { leaked = tf.ones([1]); }); } catch { threw = true; }
 * if (!threw) throw new Error("leak not caught");
 * leaked?.dispose();
 * ```
 */
export async function assertNoLeak<T>(
  fn: () => T | Promise<T>,
  opts: { label?: string; allowed?: number } = {},
): Promise<T> {
  const before = tf.memory().numTensors;
  const out = await fn();
  const after = tf.memory().numTensors;
  if (after - before !== (opts.allowed ?? 0)) {
    throw new TensorLeakError(opts.label ?? (fn.name || "function"), before, after);
  }
  return out;
}
