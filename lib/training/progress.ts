/**
 * Training progress: a live display in Jupyter (display updates through `Deno.jupyter`, guarded),
 * a cli-progress bar on a terminal, plain lines otherwise — with loss, lr, it/s and ETA.
 *
 * @module
 */
import cliProgress from "cli-progress";
import process from "node:process";

/** Where progress goes; `auto` picks Jupyter → terminal bar → plain lines. */
export type ProgressMode = "auto" | "jupyter" | "bar" | "lines" | "none";

/** Values shown at each update. */
export type ProgressInfo = { loss: number; lr: number; [k: string]: number };

/** A progress reporter. */
export type Progress = {
  readonly mode: Exclude<ProgressMode, "auto">;
  update(step: number, info: ProgressInfo): void;
  close(): void;
};

/** The part of `Deno.jupyter` the progress display uses. */
export type Jupyter = {
  broadcast(type: string, content: Record<string, unknown>): Promise<void> | void;
};

function jupyter(): Jupyter | undefined {
  try {
    // Outside `deno jupyter` merely reading Deno.jupyter throws.
    const j = (Deno as unknown as { jupyter?: Partial<Jupyter> }).jupyter;
    return typeof j?.broadcast === "function" ? (j as Jupyter) : undefined;
  } catch {
    return undefined;
  }
}

function isTty(): boolean {
  try {
    return Deno.stderr.isTerminal();
  } catch {
    return false;
  }
}

/**
 * `h:mm:ss` or `m:ss`.
 *
 * @example
 * ```ts
 * import { formatDuration } from "./progress.ts";
 * if (formatDuration(3725) !== "1:02:05") throw new Error();
 * ```
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/**
 * One status line: `step 30/100 30% | loss 0.4123 | lr 1.00e-3 | 2.51 it/s | ETA 0:28`.
 *
 * @example
 * ```ts
 * import { formatProgress } from "./progress.ts";
 * const s = formatProgress(30, 100, { loss: 0.5, lr: 0.001 }, 2);
 * if (!s.includes("ETA 0:35") || !s.includes("2.00 it/s")) throw new Error(s);
 * ```
 */
export function formatProgress(
  step: number,
  total: number,
  info: ProgressInfo,
  itPerSec: number,
): string {
  const pct = total > 0 ? Math.floor((100 * step) / total) : 0;
  const eta = itPerSec > 0 ? (total - step) / itPerSec : NaN;
  const extra = Object.entries(info).filter(([k]) => k !== "loss" && k !== "lr")
    .map(([k, v]) => `${k} ${v.toPrecision(4)}`);
  return [
    `step ${step}/${total} ${pct}%`,
    `loss ${info.loss.toPrecision(4)}`,
    `lr ${info.lr.toExponential(2)}`,
    ...extra,
    `${itPerSec.toFixed(2)} it/s`,
    `ETA ${formatDuration(eta)}`,
  ].join(" | ");
}

/**
 * Create a progress reporter for `total` steps starting at `startStep` (a resumed run).
 * Jupyter: one display updated in place at most every `minIntervalMs` (default 500 ms);
 * bar: cli-progress on stderr; lines: one line every `lineEvery` steps (default total/20).
 *
 * @example
 * ```ts
 * import { createProgress } from "./progress.ts";
 * const p = createProgress({ total: 10, mode: "none" });
 * p.update(1, { loss: 1, lr: 0.1 });
 * p.close();
 * ```
 */
export function createProgress(
  opts: {
    total: number;
    startStep?: number;
    mode?: ProgressMode;
    label?: string;
    minIntervalMs?: number;
    lineEvery?: number;
    write?: (line: string) => void;
    /** A `Deno.jupyter`-like object (default: `Deno.jupyter` under `deno jupyter`). */
    jupyter?: Jupyter;
  },
): Progress {
  const total = opts.total, start = opts.startStep ?? 0;
  let mode = opts.mode ?? "auto";
  const jp = opts.jupyter ?? jupyter();
  if (mode === "auto") mode = jp ? "jupyter" : isTty() ? "bar" : "lines";
  if (mode === "jupyter" && !jp) mode = "lines";
  const t0 = performance.now();
  const label = opts.label ? `${opts.label} ` : "";
  const rate = (step: number) => (step - start) / Math.max((performance.now() - t0) / 1000, 1e-9);
  const write = opts.write ?? ((l: string) => console.error(l));

  if (mode === "none") return { mode, update() {}, close() {} };

  if (mode === "jupyter") {
    const id = `medkd-progress-${Math.floor(performance.now() * 1000)}`;
    let last = -Infinity, first = true, pending: string | undefined;
    const send = (text: string) => {
      const content = {
        data: { "text/plain": text, "text/html": `<pre>${text}</pre>` },
        metadata: {},
        transient: { display_id: id },
      };
      // Deno 2.9 returns undefined (not a Promise) from broadcast; a display error never stops training
      try {
        void Promise.resolve(jp!.broadcast(first ? "display_data" : "update_display_data", content))
          .catch(() => {});
      } catch {
        // ignore
      }
      first = false;
    };
    return {
      mode,
      update(step, info) {
        pending = label + formatProgress(step, total, info, rate(step));
        if (performance.now() - last >= (opts.minIntervalMs ?? 500) || step >= total) {
          send(pending);
          pending = undefined;
          last = performance.now();
        }
      },
      close() {
        if (pending) send(pending);
      },
    };
  }

  if (mode === "bar") {
    const bar = new cliProgress.SingleBar({
      format: `${label}{bar} {value}/{total} | loss {loss} | lr {lr} | {rate} it/s | ETA {eta_s}`,
      etaBuffer: 50,
      hideCursor: true,
      stream: process.stderr,
    }, cliProgress.Presets.shades_classic);
    bar.start(total, start, { loss: "-", lr: "-", rate: "-", eta_s: "?" });
    return {
      mode,
      update(step, info) {
        const r = rate(step);
        bar.update(step, {
          loss: info.loss.toPrecision(4),
          lr: info.lr.toExponential(2),
          rate: r.toFixed(2),
          eta_s: formatDuration((total - step) / r),
        });
      },
      close: () => bar.stop(),
    };
  }

  const every = opts.lineEvery ?? Math.max(1, Math.round(total / 20));
  return {
    mode,
    update(step, info) {
      if (step % every === 0 || step === total) {
        write(label + formatProgress(step, total, info, rate(step)));
      }
    },
    close() {},
  };
}
