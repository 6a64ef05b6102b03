/**
 * Reference tools for parity tests (python3 with nibabel / scipy / sklearn / torch).
 *
 * Tests that need one call {@link refPython}; when the tool is missing the test is skipped with a
 * message, unless `MEDKD_REQUIRE_REFS=1` (set by `.ci/run`), where a missing tool is a failure.
 */

const cache = new Map<string, string | null>();

/** Candidates: `MEDKD_PYTHON`, Debian's `/usr/bin/python3`, then `python3` on PATH. */
function candidates(): string[] {
  const env = Deno.env.get("MEDKD_PYTHON");
  return [...(env ? [env] : []), "/usr/bin/python3", "python3"];
}

/** A python executable that can import every module in `modules`, or null. */
export function findPython(modules: string[]): string | null {
  const key = modules.join(",");
  if (cache.has(key)) return cache.get(key)!;
  let found: string | null = null;
  for (const exe of candidates()) {
    try {
      const r = new Deno.Command(exe, {
        args: ["-c", modules.map((m) => `import ${m}`).join("; ") || "pass"],
        stdout: "null",
        stderr: "null",
      }).outputSync();
      if (r.success) {
        found = exe;
        break;
      }
    } catch {
      // not installed
    }
  }
  cache.set(key, found);
  return found;
}

/** True when tests must not skip for lack of a reference tool. */
export function refsRequired(): boolean {
  return Deno.env.get("MEDKD_REQUIRE_REFS") === "1";
}

/**
 * Python with `modules`, or `null` after printing why the caller should skip. Throws when
 * `MEDKD_REQUIRE_REFS=1`.
 */
export function refPython(modules: string[]): string | null {
  const exe = findPython(modules);
  if (exe) return exe;
  const msg = `reference python with ${modules.join(", ")} not found ` +
    "(Debian: bash scripts/setup.sh; or set MEDKD_PYTHON)";
  if (refsRequired()) throw new Error(msg);
  console.warn(`skipped: ${msg}`);
  return null;
}

/** Run a python script with JSON on stdin; returns parsed JSON from stdout. */
export async function runPythonJson<T>(
  exe: string,
  script: string,
  input: unknown = null,
): Promise<T> {
  const child = new Deno.Command(exe, {
    args: ["-c", script],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(JSON.stringify(input)));
  await w.close();
  const out = await child.output();
  if (!out.success) {
    throw new Error(`python reference failed:\n${new TextDecoder().decode(out.stderr)}`);
  }
  return JSON.parse(new TextDecoder().decode(out.stdout)) as T;
}
