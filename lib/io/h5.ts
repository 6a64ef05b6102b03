/**
 * HDF5 datasets via `h5wasm` (its Node build, which reads the real file system under Deno).
 * Enough for the Synapse test volumes (`case0001.npy.h5` with `image` and `label`, D×H×W).
 *
 * HDF5 errors are turned into {@link H5Error} (h5wasm's throwing error handler is switched on
 * when medkd first loads it, so nothing is printed). int64/uint64 datasets come back as
 * Float64Array (exact below 2^53, {@link H5Error} above) unless `{ int64: "bigint" }`.
 * @module
 */

import { H5Error } from "./errors.ts";

/** A numeric HDF5 dataset in C order (last axis fastest). */
export type H5Array = {
  data:
    | Int8Array
    | Uint8Array
    | Int16Array
    | Uint16Array
    | Int32Array
    | Uint32Array
    | Float32Array
    | Float64Array
    | BigInt64Array
    | BigUint64Array;
  shape: number[];
  /** "float32", "int16", "uint8", "bool" (HDF5 enum of FALSE/TRUE, as h5py writes) … */
  dtype: string;
};

/** Options of the readers. */
export type H5ReadOptions = {
  /** int64/uint64 as Float64Array ("number", default) or BigInt64Array/BigUint64Array. */
  int64?: "number" | "bigint";
  /** Read only rows `[start, end)` along axis 0 (e.g. a few slices of a D×H×W volume). */
  rows?: [number, number];
};

// h5wasm's types do not resolve through the "h5wasm/node" subpath export
// deno-lint-ignore no-explicit-any
type H5Module = any;
// deno-lint-ignore no-explicit-any
type H5File = any;
let loading: Promise<H5Module> | null = null;

/** Load h5wasm once; its error handler throws instead of printing. */
function h5(): Promise<H5Module> {
  loading ??= (async () => {
    const mod = (await import("h5wasm/node")).default;
    const m = await mod.ready;
    m.activate_throwing_error_handler();
    return mod;
  })();
  return loading;
}

/** The most specific line of an HDF5 error stack. */
function reason(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const lines = [...text.matchAll(/in \w+\(\): ([^\n]+)/g)].map((m) => m[1]);
  return lines.at(-1) ?? text.split("\n")[0];
}

/** HDF5 library errors met while walking a corrupt file's groups become {@link H5Error}s. */
function asH5Error(path: string, e: unknown): H5Error {
  return e instanceof H5Error
    ? e
    : new H5Error(path, `corrupt HDF5 structure: ${reason(e)}`, { cause: e });
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

async function open(path: string, mode: "r" | "w") {
  const mod = await h5();
  if (mode === "r") {
    let head: Uint8Array;
    try {
      const f = await Deno.open(path);
      head = new Uint8Array(8);
      const n = (await f.read(head)) ?? 0;
      f.close();
      head = head.subarray(0, n);
    } catch (e) {
      throw new H5Error(path, `cannot open: ${(e as Error).message}`, { cause: e });
    }
    if (head.length === 0) throw new H5Error(path, "empty file");
    // the signature may also follow a user block (offset 512, 1024, …); h5wasm checks those
    const size = await fileSize(path);
    if (SIGNATURE.some((b, i) => head[i] !== b) && size <= 512) {
      throw new H5Error(path, 'bad signature: expected "\\x89HDF\\r\\n\\x1a\\n"');
    }
  }
  try {
    const f = new mod.File(path, mode);
    if (f.file_id < 0n) throw new Error("open failed");
    return f;
  } catch (e) {
    throw new H5Error(path, `cannot open as HDF5: ${reason(e)}`, { cause: e });
  }
}

function dtypeName(meta: { type: number; signed: boolean; size: number; enum_type?: unknown }) {
  if (meta.type === 0) return `${meta.signed ? "int" : "uint"}${meta.size * 8}`;
  if (meta.type === 1) return `float${meta.size * 8}`;
  if (meta.type === 8) {
    const members = Object.keys((meta.enum_type as { members: object })?.members ?? {}).sort();
    if (members.join() === "FALSE,TRUE") return "bool";
  }
  return null;
}

function readOne(
  file: H5File,
  path: string,
  name: string,
  size: number,
  opts: H5ReadOptions,
): H5Array {
  const d = file.get(name);
  if (!d || d.type !== "Dataset") throw new H5Error(path, `no dataset "${name}"`);
  const meta = d.metadata;
  const dtype = dtypeName(meta);
  if (!dtype || !meta.shape) {
    throw new H5Error(
      path,
      `dataset "${name}" has a non-numeric type (dtype ${JSON.stringify(d.dtype)})`,
    );
  }
  const shape: number[] = meta.shape.slice();
  if (opts.rows) {
    const [a, b] = opts.rows;
    if (shape.length === 0 || !(a >= 0 && b <= shape[0] && a < b)) {
      throw new H5Error(path, `rows [${a}, ${b}) outside dataset "${name}" of shape [${shape}]`);
    }
    shape[0] = b - a;
  }
  const bytes = shape.reduce((x, y) => x * y, 1) * meta.size;
  const compressed = (d.filters ?? []).length > 0;
  if (bytes > (compressed ? size * 1032 + 4096 : size)) {
    throw new H5Error(
      path,
      `dataset "${name}" claims ${bytes} bytes, more than a ${size}-byte file holds`,
    );
  }
  let data: H5Array["data"];
  try {
    data = opts.rows ? d.slice([[opts.rows[0], opts.rows[1]]]) : d.value;
  } catch (e) {
    throw new H5Error(path, `reading dataset "${name}": ${reason(e)}`, { cause: e });
  }
  if (!ArrayBuffer.isView(data)) data = Float64Array.of(Number(data)); // 0-d scalar
  if (
    (data instanceof BigInt64Array || data instanceof BigUint64Array) && opts.int64 !== "bigint"
  ) {
    const out = new Float64Array(data.length);
    const lim = BigInt(Number.MAX_SAFE_INTEGER);
    for (let i = 0; i < data.length; i++) {
      if (data[i] > lim || data[i] < -lim) {
        throw new H5Error(
          path,
          `dataset "${name}" value ${data[i]} is beyond 2^53; read with { int64: "bigint" }`,
        );
      }
      out[i] = Number(data[i]);
    }
    data = out;
  }
  return { data, shape, dtype };
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).size;
  } catch (e) {
    throw new H5Error(path, `cannot open: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Read one numeric dataset (optionally only some rows along axis 0).
 *
 * @example
 * ```ts
 * import { readH5Dataset, writeH5 } from "./h5.ts";
 * const p = await Deno.makeTempFile({ suffix: ".h5" });
 * await writeH5(p, { image: { data: Float32Array.from({ length: 12 }, (_, i) => i), shape: [3, 2, 2] } });
 * const s = await readH5Dataset(p, "image", { rows: [1, 2] }); // the middle slice
 * if (s.shape.join() !== "1,2,2" || s.data[0] !== 4) throw new Error();
 * await Deno.remove(p);
 * ```
 */
export async function readH5Dataset(
  path: string,
  name: string,
  opts: H5ReadOptions = {},
): Promise<H5Array> {
  const size = await fileSize(path);
  const f = await open(path, "r");
  try {
    return readOne(f, path, name, size, opts);
  } catch (e) {
    throw asH5Error(path, e);
  } finally {
    f.close();
  }
}

/**
 * Read every numeric dataset of a file, keyed by path without the leading "/" (`"image"`,
 * `"group/x"`). Non-numeric datasets (strings, compounds) are left out.
 *
 * @example
 * ```ts
 * import { readH5, writeH5 } from "./h5.ts";
 * const p = await Deno.makeTempFile({ suffix: ".h5" });
 * await writeH5(p, { image: { data: new Float32Array(8), shape: [2, 2, 2] }, label: { data: new Uint8Array(8), shape: [2, 2, 2] } });
 * const all = await readH5(p);
 * if (Object.keys(all).sort().join() !== "image,label" || all.label.dtype !== "uint8") throw new Error();
 * await Deno.remove(p);
 * ```
 */
export async function readH5(
  path: string,
  opts: Omit<H5ReadOptions, "rows"> = {},
): Promise<Record<string, H5Array>> {
  const size = await fileSize(path);
  const f = await open(path, "r");
  try {
    const out: Record<string, H5Array> = {};
    for (const name of f.paths() as string[]) {
      const d = f.get(name);
      if (d?.type !== "Dataset" || !dtypeName(d.metadata) || !d.metadata.shape) continue;
      out[name.replace(/^\//, "")] = readOne(f, path, name, size, opts);
    }
    return out;
  } catch (e) {
    throw asH5Error(path, e);
  } finally {
    f.close();
  }
}

/** What {@link writeH5} stores per dataset (C order). */
export type H5Input = { data: H5Array["data"]; shape: number[] };

/** Options of {@link writeH5}. */
export type H5WriteOptions = {
  /** gzip level 1..9 (chunked by rows along axis 0); default none, as h5py. */
  gzip?: number;
};

/**
 * Write datasets to a new HDF5 file (replacing any file at `path`). Names may contain "/";
 * parent groups are created.
 *
 * @example
 * ```ts
 * import { readH5Dataset, writeH5 } from "./h5.ts";
 * const p = await Deno.makeTempFile({ suffix: ".h5" });
 * await writeH5(p, { "grp/x": { data: new Int16Array([1, -2]), shape: [2] } }, { gzip: 4 });
 * if ((await readH5Dataset(p, "grp/x")).data[1] !== -2) throw new Error();
 * await Deno.remove(p);
 * ```
 */
export async function writeH5(
  path: string,
  datasets: Record<string, H5Input>,
  opts: H5WriteOptions = {},
): Promise<void> {
  for (const [name, d] of Object.entries(datasets)) {
    const n = d.shape.reduce((a, b) => a * b, 1);
    if (n !== d.data.length) {
      throw new H5Error(
        path,
        `dataset "${name}": shape [${d.shape}] holds ${n} values, data has ${d.data.length}`,
      );
    }
  }
  const f = await open(path, "w");
  try {
    const groups = new Set<string>();
    for (const [name, d] of Object.entries(datasets)) {
      const parts = name.split("/").filter((s) => s);
      for (let i = 1; i < parts.length; i++) {
        const g = parts.slice(0, i).join("/");
        if (!groups.has(g)) f.create_group(g);
        groups.add(g);
      }
      const chunked = opts.gzip && d.shape.length > 0 && d.data.length > 0;
      f.create_dataset({
        name,
        data: d.data,
        shape: d.shape,
        ...(chunked ? { chunks: [1, ...d.shape.slice(1)], compression: opts.gzip } : {}),
      });
    }
  } catch (e) {
    throw new H5Error(path, `writing: ${reason(e)}`, { cause: e });
  } finally {
    f.close();
  }
}
