/**
 * Fault injection for `lib/validate`: each fault breaks one thing in a fresh phantom copy and
 * names the file and problem the report must show. Shared by `validate_faults_test.ts` and
 * `scripts/reliability.ts`.
 * @module
 */
import { join } from "node:path";
import { readNifti, writeNifti } from "../../lib/io/nifti.ts";
import { readNpy, writeNpy } from "../../lib/io/npy.ts";
import { writePhantom } from "../../lib/phantoms/mod.ts";
import { validateDataset, type ValidationReport } from "../../lib/validate/mod.ts";

/** One injected fault: `inject(dir)` breaks the study's copy and returns the file to be named. */
export type Fault = {
  name: string;
  study: string;
  level: "error" | "warning";
  problem: RegExp;
  inject: (dir: string) => Promise<string>;
};

/** Phantom sizes used by the fault runs (small: seconds to write and check). */
export const FAULT_CASES: Record<string, number> = {
  kits: 3,
  lits: 2,
  synapse: 3,
  chestxray14: 3,
  brats: 2,
  hcc: 3,
};

async function editNifti(path: string, edit: (v: Awaited<ReturnType<typeof readNifti>>) => void) {
  const v = await readNifti(path);
  edit(v);
  await writeNifti(path, { data: v.data, shape: v.shape, spacing: v.spacing, affine: v.affine });
}

async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    if (e.isDirectory) await copyDir(join(from, e.name), join(to, e.name));
    else await Deno.copyFile(join(from, e.name), join(to, e.name));
  }
}

const brCase = (d: string, n: number) =>
  join(d, "MICCAI_BraTS_2018_Data_Training/HGG", `Brats18_SYN_000${n}_1`);

/** The faults, one per kind the issue lists (and a few more). */
export const FAULTS: Fault[] = [
  {
    name: "label value outside the study's set (KiTS seg voxel = 7)",
    study: "kits",
    level: "error",
    problem: /label values 7 outside/,
    inject: async (d) => {
      const p = join(d, "case_00001/segmentation.nii.gz");
      await editNifti(p, (v) => (v.data[100] = 7));
      return p;
    },
  },
  {
    name: "affine mismatch (KiTS seg shifted 5 mm)",
    study: "kits",
    level: "error",
    problem: /affine differs/,
    inject: async (d) => {
      const p = join(d, "case_00002/segmentation.nii.gz");
      await editNifti(
        p,
        (v) => (v.affine = v.affine.map((r, i) => i === 0 ? [...r.slice(0, 3), r[3] + 5] : r)),
      );
      return p;
    },
  },
  {
    name: "duplicate case id (KiTS case_0001 next to case_00001)",
    study: "kits",
    level: "error",
    problem: /duplicate case id 1/,
    inject: async (d) => {
      await copyDir(join(d, "case_00001"), join(d, "case_0001"));
      return join(d, "case_0001");
    },
  },
  {
    name: "shape mismatch (LiTS seg one slice short)",
    study: "lits",
    level: "error",
    problem: /shape \[.*\] differs/,
    inject: async (d) => {
      const p = join(d, "segmentation-1.nii");
      const v = await readNifti(p);
      const [x, y, z] = v.shape;
      await writeNifti(p, { ...v, data: v.data.slice(0, x * y * (z - 1)), shape: [x, y, z - 1] });
      return p;
    },
  },
  {
    name: "missing modality file (BraTS t1ce removed)",
    study: "brats",
    level: "error",
    problem: /missing modality file \(t1ce\)/,
    inject: async (d) => {
      const c = brCase(d, 2);
      const f = [...Deno.readDirSync(c)].find((e) => e.name.includes("_t1ce."))!.name;
      await Deno.remove(join(c, f));
      return join(c, "Brats18_SYN_0002_1_t1ce.nii.gz");
    },
  },
  {
    name: "datalist row pointing at a missing case folder (BraTS)",
    study: "brats",
    level: "error",
    problem: /line 3: case folder .* not found/,
    inject: async (d) => {
      const p = join(d, "datalist/BraTS18/BraTS18_train.csv");
      await Deno.writeTextFile(p, "MICCAI_BraTS_2018_Data_Training/HGG/Brats18_SYN_0009_1\n", {
        append: true,
      });
      return p;
    },
  },
  {
    name: "list row pointing at a missing file (Synapse npz removed)",
    study: "synapse",
    level: "error",
    problem: /line \d+: .*case0\d+_slice005\.npz is missing/,
    inject: async (d) => {
      const f = [...Deno.readDirSync(join(d, "train_npz"))].map((e) => e.name).sort()
        .find((n) => n.endsWith("_slice005.npz"))!;
      await Deno.remove(join(d, "train_npz", f));
      return join(d, "lists_Synapse/train.txt");
    },
  },
  {
    name: "list row pointing at a missing image (ChestX-ray14 PNG removed)",
    study: "chestxray14",
    level: "error",
    problem: /image .*00000001_001\.png is missing/,
    inject: async (d) => {
      await Deno.remove(join(d, "images/00000001_001.png"));
      await Deno.remove(join(d, "images-224/00000001_001.png")).catch(() => {});
      return join(d, "train_val_list.txt");
    },
  },
  {
    name: "CSV row pointing at a missing case (HCC hbp file removed)",
    study: "hcc",
    level: "error",
    problem: /case 100002 has no hbp/,
    inject: async (d) => {
      const f = [...Deno.readDirSync(join(d, "hbp"))].find((e) =>
        /ZS100002_hbp\.npy$/.test(e.name)
      )!;
      await Deno.remove(join(d, "hbp", f.name));
      return join(d, "labels/new_label.csv");
    },
  },
  {
    name: "empty mask (HCC lesion mask all zero) — a warning",
    study: "hcc",
    level: "warning",
    problem: /empty mask/,
    inject: async (d) => {
      const f = [...Deno.readDirSync(join(d, "hbp"))].find((e) => e.name.endsWith("_mask.npy"))!;
      const p = join(d, "hbp", f.name);
      const a = await readNpy(p);
      await writeNpy(p, {
        data: new (a.data.constructor as Float32ArrayConstructor)(a.data.length),
        shape: a.shape,
      });
      return p;
    },
  },
];

/** Outcome of one fault: did the report name the file with the expected problem? */
export type FaultResult = {
  fault: Fault;
  file: string;
  detected: boolean;
  report: ValidationReport;
};

/**
 * Write each study's phantom once under `root`, then for every fault copy it, inject, validate
 * and look for the expected issue. Also validates the clean phantoms (`clean`).
 */
export async function runValidateFaults(root: string, seed = 0) {
  const clean: ValidationReport[] = [];
  for (const s of Object.keys(FAULT_CASES)) {
    await writePhantom(s, join(root, "clean", s), {
      cases: FAULT_CASES[s],
      seed: seed || undefined,
    });
    clean.push(await validateDataset(s, join(root, "clean", s)));
  }
  const results: FaultResult[] = [];
  for (const [i, f] of FAULTS.entries()) {
    const dir = join(root, `fault_${i}`);
    await copyDir(join(root, "clean", f.study), dir);
    const file = await f.inject(dir);
    const report = await validateDataset(f.study, dir);
    const list = f.level === "error" ? report.errors : report.warnings;
    const detected = list.some((x) => x.file === file && f.problem.test(x.problem)) &&
      (f.level === "warning" || !report.ok);
    results.push({ fault: f, file, detected, report });
  }
  return { clean, results };
}
