/**
 * Seeded fuzzing of medkd's file readers: valid seed files per format, mutated (truncations,
 * flipped bytes, wrong or negative dims, headers claiming terabytes, NaN/Inf in geometry or data,
 * wrong data offsets, empty files), each loaded in a Worker with a time limit.
 *
 * Every case must either load consistently (twice the same result, element count matching the
 * shape) or throw the reader's typed `IoError` naming the file; a hang, an untyped exception, an
 * inconsistent load or a large allocation is a failure.
 */
import zlib from "node:zlib";
import { createRng, type Rng } from "../../lib/random/mod.ts";
import { SEEDS } from "./fuzz_seeds.ts";

/** One mutated input. */
export type FuzzCase = {
  format: string;
  reader: string;
  ext: string;
  mutation: string;
  bytes: Uint8Array;
};

/** How one case ended. */
export type Outcome =
  | "loaded"
  | "typed-error"
  | "untyped-error"
  | "inconsistent"
  | "hang"
  | "memory";

/** A case's result. */
export type FuzzResult = {
  format: string;
  mutation: string;
  outcome: Outcome;
  detail: string;
  ms: number;
  file: string;
};

/** Outcomes that fail the suite. */
export const FAILURES: ReadonlySet<Outcome> = new Set([
  "untyped-error",
  "inconsistent",
  "hang",
  "memory",
]);

/** A mutation: name + function of (rng, bytes) → new bytes. */
export type Mutation = { name: string; apply: (rng: Rng, b: Uint8Array) => Uint8Array };

/** Mutations that apply to any byte string. */
export const GENERIC: Mutation[] = [
  { name: "empty", apply: () => new Uint8Array(0) },
  { name: "truncate", apply: (r, b) => b.slice(0, r.int(0, Math.max(1, b.length))) },
  {
    name: "truncate-tail",
    apply: (r, b) => b.slice(0, Math.max(0, b.length - r.int(1, Math.max(2, b.length >> 3)))),
  },
  {
    name: "flip-bytes",
    apply: (r, b) => {
      const c = b.slice();
      const k = r.int(1, 9);
      for (let i = 0; i < k && c.length; i++) c[r.int(0, c.length)] ^= 1 << r.int(0, 8);
      return c;
    },
  },
  {
    name: "random-bytes-head",
    apply: (r, b) => {
      const c = b.slice();
      const n = Math.min(c.length, 64);
      for (let i = 0; i < 4 && n; i++) c[r.int(0, n)] = r.int(0, 256);
      return c;
    },
  },
  {
    name: "append-garbage",
    apply: (r, b) => {
      const c = new Uint8Array(b.length + r.int(1, 4096));
      c.set(b);
      for (let i = b.length; i < c.length; i++) c[i] = r.int(0, 256);
      return c;
    },
  },
  {
    name: "duplicate-chunk",
    apply: (r, b) => {
      if (b.length < 4) return b.slice();
      const at = r.int(0, b.length), len = r.int(1, Math.min(512, b.length - at) + 1);
      const c = new Uint8Array(b.length + len);
      c.set(b.subarray(0, at + len));
      c.set(b.subarray(at), at + len);
      return c;
    },
  },
];

/**
 * Build `n` cases, spread evenly over the seed files, each with a random mutation from its
 * format's list (structural mutations first, then generic ones).
 */
export async function buildCorpus(n: number, seed: number): Promise<FuzzCase[]> {
  const rng = createRng(seed);
  const seeds = await SEEDS();
  const cases: FuzzCase[] = [];
  for (let i = 0; i < n; i++) {
    const s = seeds[i % seeds.length];
    const r = rng.fork(i);
    const muts = [...s.mutations, ...GENERIC];
    const m = muts[r.int(0, muts.length)];
    let bytes = m.apply(r, s.bytes);
    // Structural mutations act on the uncompressed stream; recompress for gzip formats.
    if (s.gzip && !GENERIC.includes(m)) bytes = zlib.gzipSync(bytes, { level: 1 });
    else if (s.gzip) bytes = m.apply(r, zlib.gzipSync(s.bytes, { level: 1 }));
    cases.push({ format: s.format, reader: s.reader, ext: s.ext, mutation: m.name, bytes });
  }
  return cases;
}

/** Run cases through a pool of workers; a case slower than `timeoutMs` is a hang. */
export async function runCorpus(
  cases: FuzzCase[],
  opts: {
    timeoutMs?: number;
    dir?: string;
    memoryLimit?: number;
    onResult?: (r: FuzzResult) => void;
  } = {},
): Promise<FuzzResult[]> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const memoryLimit = opts.memoryLimit ?? 512 * 2 ** 20;
  const dir = opts.dir ?? (await Deno.makeTempDir({ prefix: "medkd_fuzz_" }));
  const results: FuzzResult[] = [];
  let worker: Worker | undefined;
  // A new worker answers once its modules are loaded; start-up time is not part of a case.
  const fresh = () =>
    new Promise<Worker>((resolve, reject) => {
      const w = new Worker(new URL("./fuzz_worker.ts", import.meta.url), { type: "module" });
      w.onmessage = (ev) => {
        if (ev.data?.ready) resolve(w);
      };
      w.onerror = (e) => {
        e.preventDefault();
        reject(new Error(`fuzz worker failed to start: ${e.message}`));
      };
    });
  try {
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i];
      const file = `${dir}/case_${String(i).padStart(5, "0")}${c.ext}`;
      await Deno.writeFile(file, c.bytes);
      worker ??= await fresh();
      const w = worker;
      const res = await new Promise<FuzzResult>((resolve) => {
        const timer = setTimeout(() => {
          w.terminate();
          worker = undefined;
          resolve({
            format: c.format,
            mutation: c.mutation,
            outcome: "hang",
            detail: `> ${timeoutMs} ms`,
            ms: timeoutMs,
            file,
          });
        }, timeoutMs);
        w.onmessage = (ev) => {
          if (ev.data?.id !== i) return; // a late start-up message
          clearTimeout(timer);
          const d = ev.data as { outcome: Outcome; detail: string; ms: number; rssGrowth: number };
          const outcome: Outcome = d.rssGrowth > memoryLimit + 64 * c.bytes.length
            ? "memory"
            : d.outcome;
          resolve({
            format: c.format,
            mutation: c.mutation,
            outcome,
            detail: d.detail,
            ms: d.ms,
            file,
          });
        };
        w.onerror = (ev) => {
          clearTimeout(timer);
          ev.preventDefault();
          w.terminate();
          worker = undefined;
          resolve({
            format: c.format,
            mutation: c.mutation,
            outcome: "untyped-error",
            detail: `worker crashed: ${ev.message}`,
            ms: 0,
            file,
          });
        };
        w.postMessage({ id: i, reader: c.reader, path: file });
      });
      results.push(res);
      opts.onResult?.(res);
      if (!FAILURES.has(res.outcome)) await Deno.remove(file);
    }
  } finally {
    worker?.terminate();
    // A folder we made is removed unless it holds failing inputs (kept for inspection).
    if (!opts.dir && !results.some((r) => FAILURES.has(r.outcome))) {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  }
  return results;
}

/** Markdown table: format × outcome counts, plus the failure rows. */
export function summarize(results: FuzzResult[]): string {
  const outcomes: Outcome[] = [
    "loaded",
    "typed-error",
    "untyped-error",
    "inconsistent",
    "hang",
    "memory",
  ];
  const formats = [...new Set(results.map((r) => r.format))];
  const lines = [
    `| format | inputs | mutations | ${outcomes.join(" | ")} |`,
    `|---|---|---|${outcomes.map(() => "---").join("|")}|`,
  ];
  for (const f of formats) {
    const rs = results.filter((r) => r.format === f);
    const muts = [...new Set(rs.map((r) => r.mutation))].length;
    lines.push(
      `| ${f} | ${rs.length} | ${muts} | ${
        outcomes.map((o) => rs.filter((r) => r.outcome === o).length).join(" | ")
      } |`,
    );
  }
  const total = results.length;
  lines.push(
    `| **all** | ${total} | | ${
      outcomes.map((o) => results.filter((r) => r.outcome === o).length).join(" | ")
    } |`,
  );
  return lines.join("\n");
}
