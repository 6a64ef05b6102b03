/**
 * `deno task reproduce <study|all> [--scale demo|paper] [--preset NAME] [--data DIR] [--out DIR]
 * [--seed N]`: run a study's experiment end to end and write `metrics.json` + `report.html`.
 *
 * With no `--data`, the demo generates the study's phantom under `data/phantoms/<name>` (once) in
 * the original on-disk layout, so the whole pipeline runs on files. The data set is validated first
 * (`lib/validate`); a run refuses data that fails. `deno task demo` runs all five studies at demo
 * scale.
 */
import { parseArgs } from "node:util";
import { getExperiment, listExperiments } from "../lib/experiments/registry.ts";
import type { Experiment, PresetBase } from "../lib/experiments/types.ts";
import { writePhantom } from "../lib/phantoms/mod.ts";
import { initBackend } from "../lib/tf/backend.ts";
import { assertValidDataset } from "../lib/validate/mod.ts";

const USAGE = `usage: deno task reproduce <study|all> [options]

studies: ${listExperiments().join(", ") || "(none registered yet)"}, or all
options:
  --scale demo|paper   preset scale (default demo)
  --preset NAME        a named preset of the study (default: the scale's main preset)
  --data DIR           data root in the study's original layout (default: phantom under data/phantoms)
  --out DIR            output folder (default runs/<study>/<preset>-seed<N>)
  --seed N             master seed (default 0)
  --help               this text`;

/**
 * Write the phantom once, with the study's default seed (as the notebooks do); a marker file says
 * it finished (a killed write is redone).
 */
async function ensurePhantom(name: string, dir: string): Promise<void> {
  const marker = `${dir}/.medkd-phantom-complete`;
  try {
    await Deno.stat(marker);
    return;
  } catch {
    // not yet written (or interrupted): write it
  }
  console.error(`reproduce: generating the ${name} phantom in ${dir}`);
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.mkdir(dir, { recursive: true });
  await writePhantom(name, dir);
  await Deno.writeTextFile(marker, new Date().toISOString() + "\n");
}

function pickPreset(exp: Experiment, scale: string, name?: string): PresetBase {
  if (name) {
    const p = exp.presets[name];
    if (!p) {
      throw new Error(
        `${exp.id}: no preset "${name}" (have ${Object.keys(exp.presets).join(", ")})`,
      );
    }
    return p;
  }
  const p = exp.presets[scale] ?? Object.values(exp.presets).find((q) => q.scale === scale);
  if (!p) throw new Error(`${exp.id}: no ${scale}-scale preset`);
  return p;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: {
      scale: { type: "string", default: "demo" },
      preset: { type: "string" },
      data: { type: "string" },
      out: { type: "string" },
      seed: { type: "string", default: "0" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help || positionals.length !== 1) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (values.scale !== "demo" && values.scale !== "paper") {
    console.error(`--scale ${values.scale}: expected demo or paper`);
    return 2;
  }
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) {
    console.error(`--seed ${values.seed}: expected an integer`);
    return 2;
  }
  const studies = positionals[0] === "all" ? listExperiments() : [positionals[0]];
  await initBackend();
  const reports: string[] = [];
  let failed = 0;
  for (const id of studies) {
    try {
      const exp = await getExperiment(id);
      const preset = pickPreset(exp, values.scale, values.preset);
      let dataDir = values.data;
      if (!dataDir) {
        if (preset.scale === "paper") {
          throw new Error(`${id}: the paper preset needs --data DIR (the real data set)`);
        }
        dataDir = `data/phantoms/${preset.phantom}`;
        await ensurePhantom(preset.phantom, dataDir);
      }
      // Training refuses a data set that fails validation (the error holds the report's first lines).
      const report = await assertValidDataset(preset.phantom, dataDir);
      console.error(
        `reproduce: ${dataDir} validated as ${preset.phantom} (${report.warnings.length} warning(s))`,
      );
      const outDir = values.out && studies.length === 1
        ? values.out
        : `${values.out ?? "runs"}/${id}/${preset.name}-seed${seed}`;
      const t0 = performance.now();
      const r = await exp.run(preset, { dataDir, outDir, seed });
      console.error(`reproduce: ${id} done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      reports.push(`${id}: ${outDir}/${r.reportPath}`);
    } catch (e) {
      failed++;
      console.error(`reproduce: ${id} failed: ${(e as Error).stack ?? e}`);
    }
  }
  console.log(`\nreports:\n${reports.map((r) => `  ${r}`).join("\n")}`);
  return failed ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main());
