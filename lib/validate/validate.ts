/**
 * `validateDataset(study, dir)`: check a data set before training; `assertValidDataset` throws
 * a {@link ValidationError} with the report's first lines when it fails.
 * @module
 */
import { checkBrats, checkKits, checkLits } from "./ct.ts";
import { checkChestXray14, checkHcc, checkSynapse } from "./tables.ts";
import { Collector, ValidationError, type ValidationReport } from "./report.ts";

/** The checker of each study. */
export const VALIDATORS = {
  kits: checkKits,
  lits: checkLits,
  synapse: checkSynapse,
  chestxray14: checkChestXray14,
  brats: checkBrats,
  hcc: checkHcc,
} as const;

/** A study {@link validateDataset} knows. */
export type ValidatedStudy = keyof typeof VALIDATORS;

/**
 * Check the data set of `study` under `dir` (its original layout, as the phantoms write it):
 * image/label shape and affine (from headers), label values, missing modality files, duplicate
 * case ids, list/CSV rows pointing at missing files (errors) and empty masks (warnings; errors
 * with `strict`).
 *
 * @example
 * ```ts
 * import { validateDataset } from "./validate.ts";
 * import { writePhantom } from "../phantoms/mod.ts";
 * const dir = await Deno.makeTempDir();
 * await writePhantom("hcc", dir, { cases: 2 });
 * const r = await validateDataset("hcc", dir);
 * if (!r.ok || r.cases !== 2) throw new Error(JSON.stringify(r));
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function validateDataset(
  study: string,
  dir: string,
  opts: { strict?: boolean } = {},
): Promise<ValidationReport> {
  const check = VALIDATORS[study as ValidatedStudy];
  if (!check) {
    throw new RangeError(
      `validate: unknown study "${study}"; expected one of ${Object.keys(VALIDATORS).join(", ")}`,
    );
  }
  const c = new Collector();
  try {
    await Deno.stat(dir);
    await check(dir, c);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    c.error(dir, "missing data folder");
  }
  if (opts.strict) {
    for (const w of c.warnings.splice(0)) c.error(w.file, w.problem);
  }
  return c.report(study, dir);
}

/**
 * Throw a {@link ValidationError} (message: the report's first lines) unless `dir` passes
 * {@link validateDataset}; returns the report otherwise.
 *
 * @example
 * ```ts
 * import { assertValidDataset, ValidationError } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * let e: unknown;
 * try { await assertValidDataset("kits", dir); } catch (x) { e = x; }
 * if (!(e instanceof ValidationError) || !e.message.includes("no case_XXXXX")) throw new Error(String(e));
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function assertValidDataset(
  study: string,
  dir: string,
  opts: { strict?: boolean } = {},
): Promise<ValidationReport> {
  const r = await validateDataset(study, dir, opts);
  if (!r.ok) throw new ValidationError(r);
  return r;
}
