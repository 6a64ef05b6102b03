/**
 * One entry point for every phantom: `writePhantom("kits", dir, { cases, seed })`.
 * @module
 */
import { BRATS_DEMO, writeBrats } from "./brats.ts";
import { CXR_DEMO, writeChestXray14 } from "./chestxray14.ts";
import { PhantomError } from "./draw.ts";
import { HCC_DEMO, writeHcc } from "./hcc.ts";
import { KITS_DEMO, writeKits } from "./kits.ts";
import { LITS_DEMO, writeLits } from "./lits.ts";
import type { PhantomOptions, PhantomResult } from "./options.ts";
import { SYNAPSE_DEMO, writeSynapse } from "./synapse.ts";

/** Studies with a phantom, their demo case counts, default seeds and what a "case" is. */
export const PHANTOM_STUDIES = {
  kits: { cases: KITS_DEMO.cases, seed: 0, unit: "case folder (24×128×128 CT)" },
  lits: { cases: LITS_DEMO.cases, seed: 0, unit: "volume (128×128×24 CT)" },
  synapse: {
    cases: SYNAPSE_DEMO.cases,
    seed: 0,
    unit: "volume (24×96×96; ⅔ train npz, ⅓ test h5)",
  },
  chestxray14: { cases: CXR_DEMO.cases, seed: 0, unit: "patient (1–5 PNGs of 64×64)" },
  brats: { cases: BRATS_DEMO.cases, seed: 2023, unit: "case (4 modalities + seg, 48×48×32)" },
  hcc: { cases: HCC_DEMO.cases, seed: 0, unit: "lesion (HBP + pre + mask, 24³)" },
} as const;

/** A study name accepted by {@link writePhantom}. */
export type PhantomStudy = keyof typeof PHANTOM_STUDIES;

/**
 * Write the phantom of `study` under `dir` at its demo design (or `opts.cases` cases).
 *
 * @example
 * ```ts
 * import { writePhantom } from "./registry.ts";
 * const dir = await Deno.makeTempDir();
 * const r = await writePhantom("hcc", dir, { cases: 5 });
 * if (!r.files.includes("labels/new_label.csv")) throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function writePhantom(
  study: string,
  dir: string,
  opts: PhantomOptions = {},
): Promise<PhantomResult> {
  const o = { ...opts, seed: opts.seed ?? PHANTOM_STUDIES[study as PhantomStudy]?.seed };
  switch (study) {
    case "kits":
      return writeKits(dir, o);
    case "lits":
      return writeLits(dir, o);
    case "synapse":
      return writeSynapse(dir, o);
    case "chestxray14":
      return writeChestXray14(dir, o);
    case "brats":
      return writeBrats(dir, o);
    case "hcc":
      return writeHcc(dir, o);
    default:
      throw new PhantomError(
        `unknown study "${study}"; expected one of ${Object.keys(PHANTOM_STUDIES).join(", ")}`,
      );
  }
}
