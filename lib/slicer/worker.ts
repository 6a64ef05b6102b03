/**
 * Web Worker entry of SliceMaker: receives `{ job, opts }`, processes that one case (so a worker
 * holds one case in memory at a time) and posts `{ file: 1 }` per output file and finally `{ result }` with its {@link CaseResult}. Started by
 * `run.ts`; importing this module anywhere else does nothing.
 * @module
 */
import { processCase } from "./case.ts";
import type { CaseJob, SliceOptions } from "./types.ts";

type WorkerScope = {
  onmessage: ((e: MessageEvent<{ job: CaseJob; opts: SliceOptions }>) => void) | null;
  postMessage(m: unknown): void;
};

const scope = globalThis as unknown as WorkerScope & { WorkerGlobalScope?: unknown };
if (typeof scope.WorkerGlobalScope !== "undefined") {
  scope.onmessage = async (e) => {
    const r = await processCase(e.data.job, e.data.opts, () => scope.postMessage({ file: 1 }));
    scope.postMessage({ result: r });
  };
}
