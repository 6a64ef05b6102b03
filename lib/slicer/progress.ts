/**
 * Progress of a SliceMaker run on stderr: a `cli-progress` bar with ETA on a terminal, plain
 * periodic lines otherwise (logs, CI).
 * @module
 */
import process from "node:process";
import cliProgress from "cli-progress";
import type { CaseResult, SliceSummary } from "./types.ts";

/** Progress reporter: `start` once, `update` per case, `stop` at the end. */
export type Progress = {
  start(total: number, todo: number): void;
  update(r: CaseResult): void;
  /** One more file written (updates the file count between cases). */
  file(): void;
  stop(): void;
};

function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  const m = Math.floor(s / 60), r = Math.round(s % 60);
  return m > 0 ? `${m}m${String(r).padStart(2, "0")}s` : `${r}s`;
}

/**
 * A progress reporter; `tty` defaults to whether stderr is a terminal. Plain mode prints at most
 * one line per `intervalMs` (default 2000) plus every failure.
 *
 * @example
 * ```ts
 * import { createProgress } from "./progress.ts";
 * const p = createProgress({ tty: false, intervalMs: 0, write: () => {} });
 * p.start(1, 1);
 * p.file();
 * p.update({ id: "a", status: "done", written: 1, listed: [], ms: 5 });
 * p.stop();
 * ```
 */
export function createProgress(
  opts: { tty?: boolean; intervalMs?: number; write?: (line: string) => void } = {},
): Progress {
  const tty = opts.tty ?? Deno.stderr.isTerminal();
  const write = opts.write ?? ((l: string) => console.error(l));
  const interval = opts.intervalMs ?? 2000;
  let todo = 0, done = 0, files = 0, t0 = 0, last = -Infinity;
  let bar: cliProgress.SingleBar | undefined;
  const etaText = () => {
    const el = (performance.now() - t0) / 1000;
    return done > 0 ? fmtSeconds((el / done) * (todo - done)) : "?";
  };
  const payload = () => ({ slices: files, etaText: etaText() });
  return {
    start(total, n) {
      todo = n;
      t0 = performance.now();
      write(`slice: ${total} cases, ${total - n} already done, ${n} to process`);
      if (tty && n > 0) {
        bar = new cliProgress.SingleBar({
          format: "slice |{bar}| {value}/{total} cases | {slices} files | {duration_formatted}" +
            " elapsed | ETA {etaText}",
          stream: process.stderr,
          hideCursor: true,
          etaBuffer: 20,
        }, cliProgress.Presets.shades_classic);
        bar.start(n, 0, payload());
      }
    },
    file() {
      files++;
      bar?.update(done, payload());
    },
    update(r) {
      done++;
      if (r.status === "failed" || r.status === "skipped") {
        const msg = `slice: case ${r.id} ${r.status}: ${r.error}`;
        if (bar) bar.stop(), write(msg), bar.start(todo, done - 1, payload());
        else write(msg);
      }
      if (bar) return bar.update(done, payload());
      const now = performance.now();
      if (now - last < interval && done < todo) return;
      last = now;
      const el = (now - t0) / 1000;
      write(
        `slice: ${done}/${todo} cases (${Math.round((100 * done) / Math.max(todo, 1))}%), ` +
          `${files} files, elapsed ${fmtSeconds(el)}, ETA ${etaText()}`,
      );
    },
    stop() {
      bar?.stop();
    },
  };
}

/**
 * The final summary lines of a run.
 *
 * @example
 * ```ts
 * import { formatSummary } from "./progress.ts";
 * const s = formatSummary({ cases: 2, done: 1, cached: 1, skipped: 0, failed: [], written: 5,
 *   listed: 2, lists: ["x.npy"], ms: 1500 });
 * if (!s.startsWith("slice: 2 cases")) throw new Error(s);
 * ```
 */
export function formatSummary(s: SliceSummary): string {
  const lines = [
    `slice: ${s.cases} cases: ${s.done} processed, ${s.cached} already done (skipped), ` +
    `${s.skipped} skipped (missing inputs), ${s.failed.length} failed; ${s.written} files ` +
    `written, ${s.listed} listed; ${(s.ms / 1000).toFixed(1)} s`,
    ...s.lists.map((l) => `slice: index list ${l}`),
    ...s.failed.map((f) => `slice: FAILED ${f.id}: ${f.error}`),
  ];
  return lines.join("\n");
}
