/**
 * Output preflight: before a run starts, prove that its folder is writable and has room for a
 * checkpoint, so that an unwritable folder or a full disk fails at once, not hours later.
 * @module
 */
import type * as tf from "../tf/tf.ts";

/** The run folder cannot take the run's output. `dir` names it. */
export class PreflightError extends Error {
  constructor(readonly dir: string, problem: string, options?: ErrorOptions) {
    super(`${dir}: ${problem}`, options);
    this.name = "PreflightError";
  }
}

/** Options of {@link preflightOutput}. */
export type PreflightOptions = {
  /** Free bytes of the file system holding `dir` (default: `df`; null = unknown, skip). */
  freeBytes?: (dir: string) => Promise<number | null>;
  /** Free space to keep beyond `bytesNeeded` (default 0). */
  margin?: number;
};

/**
 * Free bytes of the file system holding `dir` from `df -B1 --output=avail`, or null when `df` is
 * unavailable.
 *
 * @example
 * ```ts
 * import { dfFreeBytes } from "./preflight.ts";
 * const free = await dfFreeBytes(Deno.cwd());
 * if (free !== null && !(free >= 0)) throw new Error(String(free));
 * ```
 */
export async function dfFreeBytes(dir: string): Promise<number | null> {
  try {
    const out = await new Deno.Command("df", {
      args: ["-B1", "--output=avail", dir],
      stdout: "piped",
      stderr: "null",
    }).output();
    if (!out.success) return null;
    const n = Number(new TextDecoder().decode(out.stdout).trim().split("\n").pop());
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}

/**
 * Create `dir`, check its free space, then write, fsync and remove a probe file of `bytesNeeded`
 * bytes. Throws a {@link PreflightError} naming the folder (unwritable, not a folder, full).
 *
 * @example
 * ```ts
 * import { preflightOutput } from "./preflight.ts";
 * const dir = await Deno.makeTempDir();
 * await preflightOutput(`${dir}/run`, 4096);
 * let threw = false;
 * try { await preflightOutput(`${dir}/run`, 4096, { freeBytes: () => Promise.resolve(10) }); } catch { threw = true; }
 * if (!threw) throw new Error("a full disk passed");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function preflightOutput(
  dir: string,
  bytesNeeded: number,
  opts: PreflightOptions = {},
): Promise<void> {
  try {
    await Deno.mkdir(dir, { recursive: true });
  } catch (e) {
    throw new PreflightError(dir, `cannot create the output folder: ${(e as Error).message}`, {
      cause: e,
    });
  }
  const free = await (opts.freeBytes ?? dfFreeBytes)(dir);
  const want = bytesNeeded + (opts.margin ?? 0);
  if (free !== null && free < want) {
    throw new PreflightError(
      dir,
      `disk full: ${free} bytes free, a checkpoint needs about ${want}`,
    );
  }
  const probe = `${dir}/.preflight-${Deno.pid}`;
  try {
    const f = await Deno.open(probe, { write: true, create: true, truncate: true });
    try {
      const chunk = new Uint8Array(Math.min(Math.max(bytesNeeded, 1), 1 << 20));
      for (let left = Math.max(bytesNeeded, 1); left > 0; left -= chunk.length) {
        let off = 0;
        const part = chunk.subarray(0, Math.min(chunk.length, left));
        while (off < part.length) off += await f.write(part.subarray(off));
      }
      await f.sync();
    } finally {
      f.close();
    }
  } catch (e) {
    await Deno.remove(probe).catch(() => {});
    throw new PreflightError(
      dir,
      `cannot write a ${bytesNeeded}-byte checkpoint probe: ${(e as Error).message}`,
      { cause: e },
    );
  }
  await Deno.remove(probe);
}

/**
 * Bytes a checkpoint of these weights takes, roughly: weights + up to two optimiser slots each,
 * plus 64 KiB of JSON.
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { checkpointBytes } from "./preflight.ts";
 * const v = tf.variable(tf.zeros([10]));
 * if (checkpointBytes([v]) !== 3 * 40 + 65536) throw new Error();
 * v.dispose();
 * ```
 */
export function checkpointBytes(vars: readonly tf.Variable[]): number {
  const w = vars.reduce((a, v) => a + v.size * 4, 0);
  return 3 * w + 65536;
}
