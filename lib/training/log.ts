/**
 * JSONL run logs: one JSON object per line, appended (a resumed run continues the same file).
 *
 * @module
 */

/** A JSONL log writer. */
export type RunLog = {
  readonly path: string | null;
  write(record: Record<string, unknown>): Promise<void>;
};

/**
 * Open (create or append to) a JSONL log at `path`; `null` gives a log that writes nothing.
 * Non-finite numbers are written as strings ("NaN", "Infinity") so every line stays valid JSON.
 *
 * @example
 * ```ts
 * import { openRunLog, readRunLog } from "./log.ts";
 * const dir = await Deno.makeTempDir();
 * const log = openRunLog(`${dir}/log.jsonl`);
 * await log.write({ step: 1, loss: NaN });
 * const rows = await readRunLog(`${dir}/log.jsonl`);
 * if (rows[0].loss !== "NaN") throw new Error("bad log");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function openRunLog(path: string | null): RunLog {
  return {
    path,
    async write(record) {
      if (!path) return;
      const line = JSON.stringify(
        { time: new Date().toISOString(), ...record },
        (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v),
      );
      await Deno.writeTextFile(path, line + "\n", { append: true });
    },
  };
}

/** Read a JSONL log back (for tests and notebooks). */
export async function readRunLog(path: string): Promise<Record<string, unknown>[]> {
  const text = await Deno.readTextFile(path);
  return text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
}
