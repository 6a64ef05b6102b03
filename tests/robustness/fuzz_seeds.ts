/**
 * Valid seed files for the fuzz suite, one set per format, with the structural mutations that
 * know the format's layout (header fields, offsets).
 */
import { writeNifti } from "../../lib/io/nifti.ts";
import { createRng, type Rng } from "../../lib/random/mod.ts";
import type { Mutation } from "./fuzz_lib.ts";

/** A valid file to mutate. `gzip`: bytes are the uncompressed stream of a gzip format. */
export type Seed = {
  format: string;
  reader: string;
  ext: string;
  gzip: boolean;
  bytes: Uint8Array;
  mutations: Mutation[];
};

const EYE = [[1.5, 0, 0, -10], [0, 0.8, 0, 5], [0, 0, 3, 2], [0, 0, 0, 1]];

function edit(b: Uint8Array, f: (v: DataView, len: number) => void): Uint8Array {
  const c = b.slice();
  f(new DataView(c.buffer), c.length);
  return c;
}

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[r.int(0, xs.length)];
const BAD_FLOATS = [NaN, Infinity, -Infinity, 1e38, -1e38, 0];

/** NIfTI-1 header offsets (little-endian files from writeNifti). */
const NIFTI_MUTATIONS: Mutation[] = [
  {
    name: "nifti-dim",
    apply: (r, b) =>
      edit(
        b,
        (v) =>
          v.setInt16(
            40 + 2 * r.int(0, 8),
            pick(r, [0, -1, -32768, 32767, 8, r.int(-5, 100)]),
            true,
          ),
      ),
  },
  {
    name: "nifti-terabytes",
    apply: (_r, b) =>
      edit(b, (v) => {
        v.setInt16(40, 3, true);
        for (let k = 1; k <= 3; k++) v.setInt16(40 + 2 * k, 32767, true);
        v.setInt16(70, 64, true);
        v.setInt16(72, 64, true);
      }),
  },
  {
    name: "nifti-datatype",
    apply: (r, b) =>
      edit(
        b,
        (v) =>
          v.setInt16(70, pick(r, [0, 1, 32, 128, 1024, 1536, 2304, 999, -4, r.int(0, 4096)]), true),
      ),
  },
  {
    name: "nifti-vox-offset",
    apply: (r, b) =>
      edit(
        b,
        (v, len) =>
          v.setFloat32(108, pick(r, [0, 100, 351, 352.5, -1, NaN, 1e10, len + 1000, len]), true),
      ),
  },
  {
    name: "nifti-nan-sform",
    apply: (r, b) =>
      edit(b, (v) => {
        v.setInt16(254, 1, true);
        v.setFloat32(280 + 4 * r.int(0, 12), pick(r, BAD_FLOATS), true);
      }),
  },
  {
    name: "nifti-nan-qform",
    apply: (r, b) =>
      edit(b, (v) => {
        v.setInt16(252, 1, true);
        v.setInt16(254, 0, true);
        v.setFloat32(256 + 4 * r.int(0, 6), pick(r, BAD_FLOATS), true);
      }),
  },
  {
    name: "nifti-nan-pixdim",
    apply: (r, b) =>
      edit(b, (v) => {
        v.setInt16(252, 0, true);
        v.setInt16(254, 0, true);
        v.setFloat32(76 + 4 * r.int(0, 8), pick(r, BAD_FLOATS), true);
      }),
  },
  {
    name: "nifti-scaling",
    apply: (r, b) => edit(b, (v) => v.setFloat32(pick(r, [112, 116]), pick(r, BAD_FLOATS), true)),
  },
  {
    name: "nifti-sizeof-hdr",
    apply: (r, b) =>
      edit(
        b,
        (v) => v.setInt32(0, pick(r, [540, 0, -348, 1 << 24, 0x5c010000, r.int(0, 1000)]), true),
      ),
  },
  {
    name: "nifti-magic",
    apply: (r, b) => edit(b, (v) => v.setUint8(344 + r.int(0, 4), r.int(0, 256))),
  },
  {
    name: "nifti-nan-data",
    apply: (r, b) =>
      edit(b, (v, len) => {
        const off = v.getFloat32(108, true);
        if (v.getInt16(70, true) !== 16 || !(off >= 352)) return;
        for (let i = 0; i < 8; i++) {
          const at = off + 4 * r.int(0, Math.max(1, (len - off) >> 2));
          if (at + 4 <= len) v.setFloat32(at, pick(r, [NaN, Infinity, -Infinity]), true);
        }
      }),
  },
];

async function niftiSeeds(): Promise<Seed[]> {
  const rng = createRng("fuzz-nifti");
  const dir = await Deno.makeTempDir({ prefix: "medkd_fuzz_seed_" });
  const specs: { shape: number[]; data: Float32Array | Int16Array | Uint8Array | Float64Array }[] =
    [
      { shape: [6, 5, 4], data: rng.fillNormal(new Float32Array(120)) },
      { shape: [7, 3, 2], data: Int16Array.from({ length: 42 }, () => rng.int(-1024, 2000)) },
      { shape: [4, 4, 3, 2], data: Uint8Array.from({ length: 96 }, () => rng.int(0, 3)) },
      { shape: [5, 6], data: rng.fillUniform(new Float64Array(30)) },
    ];
  const seeds: Seed[] = [];
  for (const [i, s] of specs.entries()) {
    const path = `${dir}/seed${i}.nii`;
    await writeNifti(path, {
      data: s.data,
      shape: s.shape,
      spacing: s.shape.map((_, k) => [1.5, 0.8, 3, 1][k] ?? 1),
      affine: EYE,
    });
    const bytes = await Deno.readFile(path);
    seeds.push({
      format: "nifti (.nii)",
      reader: "nifti",
      ext: ".nii",
      gzip: false,
      bytes,
      mutations: NIFTI_MUTATIONS,
    });
    seeds.push({
      format: "nifti (.nii.gz)",
      reader: "nifti",
      ext: ".nii.gz",
      gzip: true,
      bytes,
      mutations: NIFTI_MUTATIONS,
    });
  }
  await Deno.remove(dir, { recursive: true });
  return seeds;
}

/** All seed files, built once per process. */
export const SEEDS = (() => {
  let cached: Promise<Seed[]> | undefined;
  return () => (cached ??= Promise.all([niftiSeeds()]).then((xs) => xs.flat()));
})();
