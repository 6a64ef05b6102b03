/**
 * Valid seed files for the fuzz suite, one set per format, with the structural mutations that
 * know the format's layout (header fields, offsets).
 */
import { formatCsv } from "../../lib/io/csv.ts";
import { writeH5 } from "../../lib/io/h5.ts";
import { writeNifti } from "../../lib/io/nifti.ts";
import { encodeNpy } from "../../lib/io/npy.ts";
import { encodeNpz } from "../../lib/io/npz.ts";
import { encodePngBytes } from "../../lib/io/png.ts";
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

/** `.npy` header: magic (6), version (2), header length (2, v1), then the dict text. */
const NPY_MUTATIONS: Mutation[] = [
  {
    name: "npy-shape",
    apply: (r, b) => {
      const text = new TextDecoder("latin1").decode(b.subarray(0, Math.min(b.length, 256)));
      const shapes = [
        "(-1, 4)",
        "(0,)",
        "(99999999999, 99999999999)",
        "(3, 3, 3, 3, 3)",
        "(1e9,)",
        "()",
        "(2, -5)",
      ];
      const out = text.replace(/\(([0-9, ]*)\)/, pick(r, shapes));
      const head = new TextEncoder().encode(out);
      const c = new Uint8Array(head.length + Math.max(0, b.length - 256));
      c.set(head);
      c.set(b.subarray(Math.min(b.length, 256)), head.length);
      return c;
    },
  },
  {
    name: "npy-dtype",
    apply: (r, b) => {
      const text = new TextDecoder("latin1").decode(b);
      const d = pick(r, ["'<c8'", "'|O'", "'<U4'", "'>f4'", "'<f16'", "'x'", "'<i8'", "'|b1'"]);
      return Uint8Array.from(
        text.replace(/'[<>|=][a-zA-Z][0-9]*'/, d),
        (ch) => ch.charCodeAt(0) & 255,
      );
    },
  },
  {
    name: "npy-header-len",
    apply: (r, b) => edit(b, (v) => v.setUint16(8, pick(r, [0, 1, 65535, r.int(0, 400)]), true)),
  },
  {
    name: "npy-fortran",
    apply: (_r, b) => {
      const text = new TextDecoder("latin1").decode(b);
      return Uint8Array.from(
        text.replace("'fortran_order': False", "'fortran_order': True "),
        (ch) => ch.charCodeAt(0) & 255,
      );
    },
  },
];

/** PNG: 8-byte signature, then chunks (IHDR at 8: length 4, type 4, width 4, height 4, depth 1, colour 1). */
const PNG_MUTATIONS: Mutation[] = [
  {
    name: "png-ihdr-size",
    apply: (r, b) =>
      edit(b, (v) => {
        v.setUint32(16, pick(r, [0, 1, 0x7fffffff, 0xffffffff, 100000]));
        v.setUint32(20, pick(r, [0, 1, 0x7fffffff, 100000]));
      }),
  },
  {
    name: "png-depth-colour",
    apply: (r, b) =>
      edit(b, (v) => {
        v.setUint8(24, pick(r, [0, 3, 7, 16, 32]));
        v.setUint8(25, pick(r, [1, 5, 7, 3, 255]));
      }),
  },
  {
    name: "png-chunk-length",
    apply: (r, b) =>
      edit(b, (v) => v.setUint32(33, pick(r, [0, 0xffffffff, 0x7fffffff, r.int(0, 1 << 20)]))),
  },
];

const CSV_MUTATIONS: Mutation[] = [
  {
    name: "csv-unclosed-quote",
    apply: (_r, b) => new TextEncoder().encode(new TextDecoder().decode(b).replace(",", ',"')),
  },
  {
    name: "csv-extra-field",
    apply: (_r, b) =>
      new TextEncoder().encode(new TextDecoder().decode(b).replace("\n", ",extra\n")),
  },
  {
    name: "csv-bom-crlf",
    apply: (_r, b) =>
      new TextEncoder().encode("\ufeff" + new TextDecoder().decode(b).replaceAll("\n", "\r\n")),
  },
  { name: "csv-nul-bytes", apply: (r, b) => edit(b, (v, len) => v.setUint8(r.int(0, len), 0)) },
];

async function arraySeeds(): Promise<Seed[]> {
  const rng = createRng("fuzz-arrays");
  const img = { data: rng.fillNormal(new Float32Array(48)), shape: [6, 8] };
  const lab = { data: Float32Array.from({ length: 48 }, () => rng.int(0, 9)), shape: [6, 8] };
  const seeds: Seed[] = [];
  const npy = (bytes: Uint8Array) =>
    seeds.push({
      format: "npy",
      reader: "npy",
      ext: ".npy",
      gzip: false,
      bytes,
      mutations: NPY_MUTATIONS,
    });
  npy(encodeNpy(img));
  npy(
    encodeNpy({
      data: Int16Array.from({ length: 24 }, () => rng.int(-999, 999)),
      shape: [2, 3, 4],
    }),
  );
  npy(encodeNpy({ data: new Uint8Array(10).fill(1), shape: [10] }));
  for (const compress of [false, true]) {
    seeds.push({
      format: "npz",
      reader: "npz",
      ext: ".npz",
      gzip: false,
      bytes: encodeNpz({ image: img, label: lab }, { compress }),
      mutations: [],
    });
  }
  const dir = await Deno.makeTempDir({ prefix: "medkd_fuzz_seed_" });
  await writeH5(`${dir}/case.npy.h5`, {
    image: { data: rng.fillNormal(new Float32Array(3 * 6 * 8)), shape: [3, 6, 8] },
    label: { data: Float32Array.from({ length: 144 }, () => rng.int(0, 9)), shape: [3, 6, 8] },
  });
  seeds.push({
    format: "h5",
    reader: "h5",
    ext: ".h5",
    gzip: false,
    bytes: await Deno.readFile(`${dir}/case.npy.h5`),
    mutations: [],
  });
  await Deno.remove(dir, { recursive: true });
  for (const [bitDepth, channels] of [[8, 1], [16, 1], [8, 3]] as const) {
    const n = 9 * 7 * channels;
    const data = bitDepth === 8
      ? Uint8Array.from({ length: n }, () => rng.int(0, 256))
      : Uint16Array.from({ length: n }, () => rng.int(0, 65536));
    seeds.push({
      format: "png",
      reader: "png",
      ext: ".png",
      gzip: false,
      bytes: encodePngBytes({ data, width: 9, height: 7, channels, bitDepth }),
      mutations: PNG_MUTATIONS,
    });
  }
  const csv = formatCsv([
    {
      "Image Index": "00000001_000.png",
      "Finding Labels": "Cardiomegaly|Effusion",
      "Patient Age": 58,
    },
    { "Image Index": "00000002_000.png", "Finding Labels": "No Finding", "Patient Age": 81 },
    { "Image Index": "00000003_001.png", "Finding Labels": 'Hernia, "quoted"', "Patient Age": 7 },
  ]);
  seeds.push({
    format: "csv",
    reader: "csv",
    ext: ".csv",
    gzip: false,
    bytes: new TextEncoder().encode(csv),
    mutations: CSV_MUTATIONS,
  });
  return seeds;
}

/** All seed files, built once per process. */
export const SEEDS = (() => {
  let cached: Promise<Seed[]> | undefined;
  return () => (cached ??= Promise.all([niftiSeeds(), arraySeeds()]).then((xs) => xs.flat()));
})();
