import assert from "node:assert/strict";
import { buildCorpus, FAILURES, runCorpus, summarize } from "./fuzz_lib.ts";

// The CI subset; `deno task fuzz` runs the full suite (≥ 1000 inputs).
const N = Number(Deno.env.get("MEDKD_FUZZ_CASES") ?? 240);

Deno.test({
  name: `fuzz: ${N} mutated files load consistently or throw a typed error naming the file`,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const cases = await buildCorpus(N, 20261202);
    const results = await runCorpus(cases);
    const bad = results.filter((r) => FAILURES.has(r.outcome));
    if (bad.length) console.log(summarize(results));
    assert.deepEqual(
      bad.map((r) => `${r.format} ${r.mutation} ${r.outcome}: ${r.detail} (${r.file})`),
      [],
    );
    // The corpus must exercise both branches: some inputs load, most are rejected.
    assert.ok(results.some((r) => r.outcome === "loaded"));
    assert.ok(results.some((r) => r.outcome === "typed-error"));
  },
});
