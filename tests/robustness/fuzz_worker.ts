/// <reference lib="deno.worker" />
/**
 * Fuzz worker: loads one file with the reader named by the job and reports the outcome.
 * Runs in a Worker so that a reader that hangs can be terminated by the parent.
 */
import { IoError } from "../../lib/io/errors.ts";
import { READERS } from "./fuzz_readers.ts";

type Job = { id: number; reader: string; path: string };

// Tell the parent the modules are loaded, so its time limit covers only the load itself.
self.postMessage({ ready: true });

self.onmessage = async (ev: MessageEvent<Job>) => {
  const { id, reader, path } = ev.data;
  const rss0 = Deno.memoryUsage().rss;
  const t0 = performance.now();
  try {
    const load = READERS[reader];
    const a = await load(path);
    const b = await load(path); // a second load must give the same result
    const consistent = a.ok && a.digest === b.digest;
    self.postMessage({
      id,
      outcome: consistent ? "loaded" : "inconsistent",
      detail: consistent ? a.digest : `${a.why ?? ""} | first ${a.digest} second ${b.digest}`,
      ms: performance.now() - t0,
      rssGrowth: Deno.memoryUsage().rss - rss0,
    });
  } catch (e) {
    const typed = e instanceof IoError && e.message.includes(path);
    self.postMessage({
      id,
      outcome: typed ? "typed-error" : "untyped-error",
      detail: `${(e as Error)?.name}: ${(e as Error)?.message}`.slice(0, 300),
      ms: performance.now() - t0,
      rssGrowth: Deno.memoryUsage().rss - rss0,
    });
  }
};
