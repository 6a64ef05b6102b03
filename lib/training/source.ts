/**
 * Adapting a resumable data loader to the loop's {@link BatchSource}.
 *
 * @module
 */
import type { Batch, BatchSource } from "./types.ts";

/** What a loader must offer: async iteration and its position (the next batch it will yield). */
export type ResumableLoader<B> = AsyncIterable<B> & { state(): unknown };

/**
 * Wrap a loader factory as a {@link BatchSource}. `create(start)` builds a loader that begins at
 * `start` (undefined = the beginning); `toBatch` maps its items to `{ x, y, … }`. `restore(state)`
 * rebuilds the loader at that position. With `lib/datasets` (epochs: Infinity, or the loop starts
 * a new iterator each epoch and needs the loader to continue):
 *
 * ```ts ignore
 * const src = loaderSource(
 *   (start) => new DataLoader(ds, { batchSize: 8, seed, epochs: Infinity, start: start as LoaderState }),
 *   (b) => ({ x: b.image, y: b.label, ...b.extra }),
 * );
 * ```
 *
 * @example
 * ```ts
 * import * as tf from "../tf/tf.ts";
 * import { loaderSource } from "./source.ts";
 * const make = (start?: unknown) => {
 *   let i = (start as number | undefined) ?? 0;
 *   return {
 *     state: () => i,
 *     async *[Symbol.asyncIterator]() { while (i < 3) yield i++; },
 *   };
 * };
 * const src = loaderSource(make, (v: number) => ({ x: tf.scalar(v), y: tf.scalar(v) }));
 * src.restore(2);
 * for await (const b of src) { if ((b.x as tf.Tensor).dataSync()[0] !== 2) throw new Error(); tf.dispose([b.x as tf.Tensor, b.y]); }
 * ```
 */
export function loaderSource<B>(
  create: (start: unknown | undefined) => ResumableLoader<B>,
  toBatch: (item: B) => Batch,
): BatchSource {
  let loader = create(undefined);
  return {
    state: () => loader.state(),
    restore(state) {
      loader = create(state);
    },
    [Symbol.asyncIterator](): AsyncIterator<Batch> {
      const it = loader[Symbol.asyncIterator]();
      return {
        async next() {
          const r = await it.next();
          return r.done
            ? { done: true, value: undefined }
            : { done: false, value: toBatch(r.value) };
        },
        async return() {
          await it.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}
