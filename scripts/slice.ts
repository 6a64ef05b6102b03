/**
 * `deno task slice`: SliceMaker CLI. See `--help`.
 * @module
 */
import { parseArgs } from "node:util";
import {
  createProgress,
  formatSummary,
  runSliceMaker,
  SLICE_DEFAULTS,
  SliceError,
  type SliceOptions,
} from "../lib/slicer/mod.ts";

const HELP = `SliceMaker — slice / preprocess a raw data set the way the original studies did.

Usage:
  deno task slice --inpath DIR --outpath DIR --dataset kits|lits|synapse|brats --task TASK [options]

Data sets and tasks:
  kits, lits   HLFD SliceMaker.py: every axial slice -> <outpath>/<mode>/<case>_<i>.npz
               (ct float64 raw HU resized to SIZE², mask int8 0/1/2); index list
               <outpath>/<mode>/<dataset>_<task>_slices.npy of the slices with tumour
               (--task tumor) or any foreground (--task organ).
               kits input: case_*/imaging.nii.gz + segmentation.nii.gz
               lits input: volume-N.nii + segmentation-N.nii, or case_*/volume.nii + segmentation.nii
  synapse      TransUNet preparation of BTCV img/imgNNNN.nii.gz + label/labelNNNN.nii.gz:
               window [-125, 275] -> [0, 1], labels remapped to the 8 Synapse organs.
               --task train: train_npz/caseNNNN_sliceNNN.npz + lists_Synapse/train.txt
               --task test:  test_vol_h5/caseNNNN.npy.h5 + lists_Synapse/test_vol.txt
  brats        LCKD normalisation (histogram truncation + z-score over non-background) of
               <ID>/<ID>_{flair,t1,t1ce,t2,seg}.nii[.gz] -> <outpath>/<ID>.npz
               (image float32 (4, z, x, y), label uint8 (z, x, y)); --task volumes.

Options:
  --inpath DIR, --in_path DIR     input root (raw layout)
  --outpath DIR, --out_path DIR   output root
  --dataset NAME                  kits | lits | synapse | brats (default lits, as the original)
  --task NAME                     see above (default: tumor / train / volumes)
  --mode NAME                     kits/lits output sub-folder (default train)
  --slice-size N                  kits/lits CT slice size (default 512)
  --workers N, --process_num N    cases in parallel, one Web Worker each (default 1)
  --force                         redo cases that are already done
  --no-compress                   write stored (uncompressed) .npz instead of deflated
  --hist-threshold N              brats histogram count threshold (default 50; demo 1)
  -h, --help                      this text

Re-runs skip finished cases (done-markers in <out>/.slicemaker/) unless --force. Outputs are
written atomically. A failing case is reported and the others complete; the exit code is 1
when any case failed, 2 for a usage error.`;

function fail(msg: string): never {
  console.error(`slice: ${msg}\n(run with --help for usage)`);
  Deno.exit(2);
}

async function main(argv: string[]): Promise<number> {
  let a;
  try {
    a = parseArgs({
      args: argv,
      options: {
        inpath: { type: "string" },
        in_path: { type: "string" },
        outpath: { type: "string" },
        out_path: { type: "string" },
        dataset: { type: "string", default: "lits" },
        task: { type: "string" },
        mode: { type: "string", default: SLICE_DEFAULTS.mode },
        "slice-size": { type: "string" },
        slice_size: { type: "string" },
        workers: { type: "string" },
        process_num: { type: "string" },
        force: { type: "boolean", default: false },
        "no-compress": { type: "boolean", default: false },
        "hist-threshold": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    fail((e as Error).message);
  }
  if (a.help) {
    console.log(HELP);
    return 0;
  }
  const inpath = a.inpath ?? a.in_path, outpath = a.outpath ?? a.out_path;
  if (!inpath || !outpath) fail("--inpath and --outpath are required");
  const int = (s: string | undefined, name: string, def: number) => {
    if (s === undefined) return def;
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) fail(`${name} must be a positive integer, got "${s}"`);
    return n;
  };
  const dataset = a.dataset as SliceOptions["dataset"];
  const defaultTask: Record<string, string> = {
    kits: "tumor",
    lits: "tumor",
    synapse: "train",
    brats: "volumes",
  };
  const opts: SliceOptions = {
    inpath,
    outpath,
    dataset,
    task: a.task ?? defaultTask[dataset] ?? "",
    mode: a.mode!,
    sliceSize: int(a["slice-size"] ?? a.slice_size, "--slice-size", SLICE_DEFAULTS.sliceSize),
    workers: int(a.workers ?? a.process_num, "--workers", SLICE_DEFAULTS.workers),
    force: a.force!,
    compress: !a["no-compress"],
    histThreshold: int(a["hist-threshold"], "--hist-threshold", SLICE_DEFAULTS.histThreshold),
  };
  const progress = createProgress();
  let summary;
  try {
    summary = await runSliceMaker(opts, {
      onStart: (total, todo) => progress.start(total, todo),
      onResult: (r) => progress.update(r),
      onFile: () => progress.file(),
    });
  } catch (e) {
    progress.stop();
    if (e instanceof SliceError) fail(e.message);
    throw e;
  }
  progress.stop();
  console.error(formatSummary(summary));
  if (summary.cases === 0) {
    console.error(`slice: no ${dataset} cases found under ${inpath}`);
    return 1;
  }
  return summary.failed.length > 0 ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
