/**
 * `deno task fuzz [--cases N] [--seed S] [--out runs/fuzz]`: the full reader fuzz suite.
 *
 * Builds N seeded mutated inputs across medkd's file formats, loads each in a worker with a 5 s
 * limit, prints a table of outcomes per format (the table in README comes from this command) and
 * writes every result to `<out>/results.json`. Exits 1 if any input hung, escaped as an untyped
 * exception, loaded inconsistently or allocated beyond its size.
 */
import { parseArgs } from "node:util";
import { buildCorpus, FAILURES, runCorpus, summarize } from "../tests/robustness/fuzz_lib.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    cases: { type: "string", default: "2000" },
    seed: { type: "string", default: "20261202" },
    out: { type: "string", default: "runs/fuzz" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log("usage: deno task fuzz [--cases N] [--seed S] [--out DIR]");
  Deno.exit(0);
}
const n = Number(values.cases), seed = Number(values.seed);
const cases = await buildCorpus(n, seed);
const t0 = performance.now();
let done = 0;
const results = await runCorpus(cases, {
  onResult: () => {
    if (++done % 100 === 0) console.error(`fuzz: ${done}/${n}`);
  },
});
await Deno.mkdir(values.out, { recursive: true });
await Deno.writeTextFile(`${values.out}/results.json`, JSON.stringify(results, null, 1));
console.log(`fuzz: ${n} inputs, seed ${seed}, ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
console.log(summarize(results));
const bad = results.filter((r) => FAILURES.has(r.outcome));
for (const r of bad) {
  console.log(`FAIL ${r.format} ${r.mutation} ${r.outcome}: ${r.detail} (${r.file})`);
}
Deno.exit(bad.length ? 1 : 0);
