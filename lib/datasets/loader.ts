/**
 * Batching loader: seeded per-epoch shuffle, batching into channels-last arrays or tensors,
 * prefetch, finite or infinite epochs, and exact resume from `(epoch, index)`.
 *
 * Reproducibility: epoch e's order comes from `root.fork("epoch:e")` and sample k of that epoch
 * gets `root.fork("epoch:e").fork("sample:k")`, so any batch depends only on (seed, epoch,
 * position) — never on how much was consumed before, on prefetching, or on a resume.
 *
 * @module
 */
import * as tf from "../tf/tf.ts";
import { createRng, type Rng } from "../random/mod.ts";
import { type Dataset, DatasetError, type Field, type Sample } from "./types.ts";

/** Position of the next batch the loader will yield. */
export type LoaderState = { epoch: number; index: number };

/** A batch as plain arrays (`image` is `[N, ...shape]` row-major). */
export type ArrayBatch = {
  ids: string[];
  /** Case of each sample ({@link Sample.group}, else its id). */
  groups: string[];
  image: Float32Array;
  shape: number[];
  label: Float32Array;
  labelShape: number[];
  extra: Record<string, Field>;
  /** Where this batch sits: epoch and batch index within the epoch. */
  epoch: number;
  index: number;
};

/** A batch as tensors; the caller owns them (dispose with {@link disposeBatch}). */
export type TensorBatch = {
  ids: string[];
  groups: string[];
  image: tf.Tensor;
  label: tf.Tensor;
  extra: Record<string, tf.Tensor>;
  epoch: number;
  index: number;
};

/** Loader options. */
export type LoaderOptions = {
  batchSize: number;
  /** Reshuffle every epoch (default true). */
  shuffle?: boolean;
  /** Root seed (default 0). */
  seed?: number | string;
  /** Drop a last incomplete batch (default false, as every original). */
  dropLast?: boolean;
  /** Number of epochs (default 1); `Infinity` for an infinite sampler. */
  epochs?: number;
  /** Batches assembled ahead of the consumer (default 2). */
  prefetch?: number;
  /** Resume: first batch to yield (from a previous {@link DataLoader.state}). */
  start?: LoaderState;
  /** Optional transform of each assembled batch, with its own derived RNG. */
  batchTransform?: (b: ArrayBatch, rng: Rng) => ArrayBatch;
};

/**
 * Stack samples into an {@link ArrayBatch}; all samples must share shapes.
 *
 * @example
 * ```ts
 * import { collate } from "./loader.ts";
 * const s = (id: string) => ({ id, image: Float32Array.of(1, 2), shape: [2, 1], label: Float32Array.of(0), labelShape: [1] });
 * const b = collate([s("a"), s("b")]);
 * if (b.image.length !== 4 || b.ids.join() !== "a,b" || b.groups.join() !== "a,b") throw new Error();
 * ```
 */
export function collate(samples: readonly Sample[], epoch = 0, index = 0): ArrayBatch {
  if (samples.length === 0) throw new RangeError("collate: empty batch");
  const first = samples[0];
  const stack = (name: string, parts: Field[]): Field => {
    const sh = parts[0].shape;
    const n = parts[0].data.length;
    const out = new Float32Array(n * parts.length);
    parts.forEach((p, i) => {
      if (p.shape.join() !== sh.join() || p.data.length !== n) {
        throw new DatasetError(
          samples[i].id,
          `${name} shape [${p.shape}] differs from [${sh}] of ${first.id} in the same batch`,
        );
      }
      out.set(p.data, i * n);
    });
    return { data: out, shape: sh.slice() };
  };
  const image = stack("image", samples.map((s) => ({ data: s.image, shape: s.shape })));
  const label = stack("label", samples.map((s) => ({ data: s.label, shape: s.labelShape })));
  const extra: Record<string, Field> = {};
  for (const k of Object.keys(first.extra ?? {})) {
    extra[k] = stack(
      k,
      samples.map((s) => {
        const f = s.extra?.[k];
        if (!f) throw new DatasetError(s.id, `extra field "${k}" missing`);
        return f;
      }),
    );
  }
  return {
    ids: samples.map((s) => s.id),
    groups: samples.map((s) => s.group ?? s.id),
    image: image.data,
    shape: image.shape,
    label: label.data,
    labelShape: label.shape,
    extra,
    epoch,
    index,
  };
}

/**
 * The one place batches become tensors: `[N, ...shape]` float32.
 *
 * @example
 * ```ts
 * import { collate, disposeBatch, toTensors } from "./loader.ts";
 * const s = { id: "a", image: new Float32Array(4), shape: [2, 2, 1], label: new Float32Array(1), labelShape: [1] };
 * const t = toTensors(collate([s, s]));
 * if (t.image.shape.join() !== "2,2,2,1") throw new Error();
 * disposeBatch(t);
 * ```
 */
export function toTensors(b: ArrayBatch): TensorBatch {
  const n = b.ids.length;
  const extra: Record<string, tf.Tensor> = {};
  const image = tf.tensor(b.image, [n, ...b.shape], "float32");
  const label = tf.tensor(b.label, [n, ...b.labelShape], "float32");
  for (const [k, f] of Object.entries(b.extra)) extra[k] = tf.tensor(f.data, [n, ...f.shape]);
  return { ids: b.ids, groups: b.groups, image, label, extra, epoch: b.epoch, index: b.index };
}

/**
 * Dispose every tensor of a {@link TensorBatch}.
 *
 * @example
 * ```ts ignore
 * for await (const b of loader) { trainStep(b.image, b.label); disposeBatch(b); }
 * ```
 */
export function disposeBatch(b: TensorBatch): void {
  b.image.dispose();
  b.label.dispose();
  for (const t of Object.values(b.extra)) t.dispose();
}

/**
 * Seeded, resumable batching over a {@link Dataset}.
 *
 * @example
 * ```ts
 * import { DataLoader } from "./loader.ts";
 * const ds = {
 *   length: 5,
 *   get: (i: number) => ({ id: `s${i}`, image: Float32Array.of(i), shape: [1], label: Float32Array.of(0), labelShape: [1] }),
 * };
 * const dl = new DataLoader(ds, { batchSize: 2, seed: 1 });
 * const sizes: number[] = [];
 * for await (const b of dl.arrays()) sizes.push(b.ids.length);
 * if (sizes.join() !== "2,2,1" || dl.state().epoch !== 1) throw new Error(sizes.join());
 * ```
 */
export class DataLoader<S extends Sample = Sample> {
  readonly opts: Required<Omit<LoaderOptions, "start" | "batchTransform">> & LoaderOptions;
  #root: Rng;
  #state: LoaderState;

  constructor(readonly dataset: Dataset<S>, opts: LoaderOptions) {
    if (!(opts.batchSize >= 1)) {
      throw new RangeError(`batchSize must be ≥ 1, got ${opts.batchSize}`);
    }
    this.opts = {
      shuffle: true,
      seed: 0,
      dropLast: false,
      epochs: 1,
      prefetch: 2,
      ...opts,
    };
    this.#root = createRng(this.opts.seed);
    this.#state = { ...(opts.start ?? { epoch: 0, index: 0 }) };
  }

  /** Batches per epoch (after `dropLast`). */
  get batchesPerEpoch(): number {
    const n = this.dataset.length, b = this.opts.batchSize;
    return this.opts.dropLast ? Math.floor(n / b) : Math.ceil(n / b);
  }

  /** Position of the next batch to be yielded (save it with a checkpoint to resume). */
  state(): LoaderState {
    return { ...this.#state };
  }

  /** Sample order of epoch `e` (a permutation when shuffling). */
  order(e: number): number[] {
    const n = this.dataset.length;
    if (!this.opts.shuffle) return Array.from({ length: n }, (_, i) => i);
    return this.#root.fork(`epoch:${e}`).fork("order").permutation(n);
  }

  /** Assemble batch `index` of epoch `epoch` (pure in (seed, epoch, index)). */
  async batch(epoch: number, index: number, order = this.order(epoch)): Promise<ArrayBatch> {
    const b = this.opts.batchSize;
    const er = this.#root.fork(`epoch:${epoch}`);
    const pos = Array.from(
      { length: Math.min(b, order.length - index * b) },
      (_, k) => index * b + k,
    );
    const samples = await Promise.all(
      pos.map((p) => this.dataset.get(order[p], er.fork(`sample:${p}`))),
    );
    const out = collate(samples, epoch, index);
    return this.opts.batchTransform
      ? this.opts.batchTransform(out, er.fork(`batch:${index}`))
      : out;
  }

  /** Yield array batches from the current state to the end of the last epoch. */
  async *arrays(): AsyncGenerator<ArrayBatch> {
    const nb = this.batchesPerEpoch;
    if (nb === 0) return;
    const positions = function* (s: LoaderState, epochs: number) {
      let { epoch, index } = s;
      if (index >= nb) (epoch++, index = 0);
      while (epoch < epochs) {
        yield { epoch, index };
        if (++index >= nb) (epoch++, index = 0);
      }
    }(this.#state, this.opts.epochs);
    const orders = new Map<number, number[]>();
    const queue: Promise<ArrayBatch>[] = [];
    const fill = () => {
      while (queue.length < Math.max(1, this.opts.prefetch + 1)) {
        const nx = positions.next();
        if (nx.done) return;
        const { epoch, index } = nx.value;
        if (!orders.has(epoch)) orders.set(epoch, this.order(epoch));
        for (const k of orders.keys()) if (k < epoch - 1) orders.delete(k);
        const p = this.batch(epoch, index, orders.get(epoch));
        p.catch(() => {}); // surfaced when awaited, never as an unhandled rejection
        queue.push(p);
      }
    };
    fill();
    while (queue.length) {
      const b = await queue.shift()!;
      this.#state = b.index + 1 >= nb
        ? { epoch: b.epoch + 1, index: 0 }
        : { epoch: b.epoch, index: b.index + 1 };
      fill();
      yield b;
    }
  }

  /** Yield tensor batches (NHWC / NDHWC float32); dispose each with {@link disposeBatch}. */
  async *tensors(): AsyncGenerator<TensorBatch> {
    for await (const b of this.arrays()) yield toTensors(b);
  }

  [Symbol.asyncIterator](): AsyncGenerator<TensorBatch> {
    return this.tensors();
  }
}

/**
 * A data set whose index list is `ds` repeated `times` times (sample i → `ds` sample i mod n),
 * as LCKD repeats its case list ceil(steps·batch / n) times and shuffles the whole list once.
 *
 * @example
 * ```ts
 * import { repeatDataset } from "./loader.ts";
 * const ds = { length: 2, get: (i: number) => ({ id: `c${i}`, image: new Float32Array(1), shape: [1], label: new Float32Array(1), labelShape: [1] }) };
 * const r = repeatDataset(ds, 3);
 * if (r.length !== 6 || (r.get(5, null as never) as { id: string }).id !== "c1") throw new Error();
 * ```
 */
export function repeatDataset<S extends Sample>(ds: Dataset<S>, times: number): Dataset<S> {
  if (!(Number.isInteger(times) && times >= 1)) {
    throw new RangeError(`times must be ≥ 1, got ${times}`);
  }
  return { length: ds.length * times, get: (i: number, rng: Rng) => ds.get(i % ds.length, rng) };
}
