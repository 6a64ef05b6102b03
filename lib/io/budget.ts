/**
 * The memory budget: a reader refuses, before allocating, a volume whose decoded size would
 * exceed it. `MEDKD_MEMORY_BUDGET` (bytes) sets it; the default is 70% of the system's memory.
 * @module
 */
import { IoError } from "./errors.ts";

/** A file's decoded data would not fit in the memory budget. */
export class MemoryBudgetError extends IoError {}

/**
 * The budget in bytes: `MEDKD_MEMORY_BUDGET` if set to a positive number, else 70% of
 * `Deno.systemMemoryInfo().total` (Infinity where that is unavailable).
 *
 * @example
 * ```ts
 * import { memoryBudget } from "./budget.ts";
 * if (!(memoryBudget() > 0)) throw new Error("no budget");
 * ```
 */
export function memoryBudget(): number {
  let env: string | undefined;
  try {
    env = Deno.env.get("MEDKD_MEMORY_BUDGET");
  } catch {
    env = undefined; // no --allow-env: use the default
  }
  if (env !== undefined && env.trim() !== "") {
    const n = Number(env);
    if (!(n > 0)) throw new IoError("MEDKD_MEMORY_BUDGET", `"${env}" is not a positive number`);
    return n;
  }
  try {
    return Math.floor(Deno.systemMemoryInfo().total * 0.7);
  } catch {
    return Infinity;
  }
}

/**
 * Throw a {@link MemoryBudgetError} naming `file` when `bytes` exceed `budget`.
 *
 * @example
 * ```ts
 * import { checkMemoryBudget, MemoryBudgetError } from "./budget.ts";
 * checkMemoryBudget(100, "small.nii", 1000);
 * let threw = false;
 * try { checkMemoryBudget(5000, "big.nii", 1000); } catch (e) { threw = e instanceof MemoryBudgetError; }
 * if (!threw) throw new Error("not refused");
 * ```
 */
export function checkMemoryBudget(bytes: number, file: string, budget = memoryBudget()): void {
  if (bytes > budget) {
    throw new MemoryBudgetError(
      file,
      `needs ${fmt(bytes)} of memory to decode, over the budget of ${fmt(budget)} ` +
        "(set MEDKD_MEMORY_BUDGET in bytes to change it)",
    );
  }
}

function fmt(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  return `${n} bytes`;
}
