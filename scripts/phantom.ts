/**
 * `deno task phantom <kits|lits|synapse|chestxray14|brats|hcc> --out DIR [--cases N] [--seed S]`
 *
 * Writes a procedural stand-in for a study's data set in the original on-disk layout.
 * @module
 */
import { parseArgs } from "node:util";
import { PHANTOM_STUDIES, PhantomError, writePhantom } from "../lib/phantoms/mod.ts";

const HELP = `Usage: deno task phantom <study> --out DIR [--cases N] [--seed S]

Write a deterministic procedural phantom of a study's data set, in the layout the original
code reads, under DIR. The same seed gives the same data (byte-identical files for NIfTI,
npy, PNG, CSV and text; npz/h5 containers also store write times); case k does not depend on N.

Studies (default --cases = the spec's demo size):
${
  Object.entries(PHANTOM_STUDIES).map(([k, v]) =>
    `  ${k.padEnd(12)} ${String(v.cases).padStart(4)} × ${v.unit}, default seed ${v.seed}`
  ).join("\n")
}

Options:
  --out DIR     output folder (created if missing)
  --cases N     number of cases (see the unit above)
  --seed S      base seed (integer)
  -h, --help    show this help
`;

function fail(msg: string): never {
  console.error(`phantom: ${msg}\n\n${HELP}`);
  Deno.exit(2);
}

function int(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) fail(`--${name} must be an integer, got "${v}"`);
  return n;
}

if (import.meta.main) {
  let parsed;
  try {
    parsed = parseArgs({
      args: Deno.args,
      allowPositionals: true,
      options: {
        out: { type: "string" },
        cases: { type: "string" },
        seed: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    fail((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(HELP);
    Deno.exit(0);
  }
  if (positionals.length !== 1) fail("expected exactly one study name");
  const study = positionals[0];
  if (!(study in PHANTOM_STUDIES)) fail(`unknown study "${study}"`);
  if (!values.out) fail("--out DIR is required");
  const t0 = performance.now();
  try {
    const r = await writePhantom(study, values.out, {
      cases: int(values.cases, "cases"),
      seed: int(values.seed, "seed"),
      onCase: ({ done, total, name }) => {
        const s = ((performance.now() - t0) / 1000).toFixed(1);
        console.log(`[${String(done).padStart(String(total).length)}/${total}] ${name}  ${s}s`);
      },
    });
    const s = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(`${study}: ${r.cases} cases, ${r.files.length} files in ${r.dir} (${s}s)`);
  } catch (e) {
    if (e instanceof PhantomError) fail(e.message);
    throw e;
  }
}
