/**
 * `deno task notebooks [names...]`: execute `notebooks/0*.ipynb` headless (nbconvert, Deno kernel)
 * at demo scale. Each notebook runs with `MEDKD_SCALE=demo` and `MEDKD_OUT=runs/notebooks/<name>`;
 * the executed copy goes to `runs/notebooks/<name>.ipynb` and an HTML export beside it. Prints the
 * wall time per notebook and a summary; exits 1 if any failed.
 *
 * Names filter the notebooks (`02` or `02_kits_hlfd`); with none, every notebook found runs.
 * The Deno kernelspec is installed (`deno jupyter --install`, with this Deno) when missing.
 * @module
 */
import { basename, join, resolve } from "node:path";

const ROOT = resolve(new URL("..", import.meta.url).pathname);
/** The notebooks folder. */
export const NB_DIR = join(ROOT, "notebooks");
const OUT_DIR = join(ROOT, "runs", "notebooks");
const TIMEOUT_S = Number(Deno.env.get("MEDKD_NB_TIMEOUT") ?? 1800);

async function run(cmd: string, args: string[], env?: Record<string, string>) {
  const p = new Deno.Command(cmd, { args, env, cwd: ROOT, stdout: "piped", stderr: "piped" });
  const r = await p.output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

/**
 * Install the Deno kernelspec with this Deno executable when no Jupyter data folder holds
 * `kernels/deno/kernel.json` (`jupyter kernelspec` may be absent where only nbconvert is installed).
 */
async function ensureKernel(): Promise<void> {
  const paths = await run("jupyter", ["--paths", "--json"]).catch((e) => {
    throw new Error(`jupyter not found (install jupyter-nbconvert): ${e.message}`);
  });
  const data: string[] = paths.code === 0 ? JSON.parse(paths.out).data ?? [] : [];
  for (const d of data) {
    try {
      await Deno.stat(join(d, "kernels", "deno", "kernel.json"));
      return;
    } catch {
      // not in this folder
    }
  }
  console.error(`notebooks: installing the Deno kernel (${Deno.execPath()} jupyter --install)`);
  const r = await run(Deno.execPath(), ["jupyter", "--install"]);
  if (r.code !== 0) throw new Error(`deno jupyter --install failed:\n${r.err}`);
}

/** Notebooks under notebooks/ named 0*.ipynb, filtered by `names` (prefix or stem). */
export async function findNotebooks(dir: string, names: string[]): Promise<string[]> {
  const all: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && /^0.*\.ipynb$/.test(e.name)) all.push(e.name);
  }
  all.sort();
  if (!names.length) return all;
  return all.filter((f) => names.some((n) => f === n || f.startsWith(n.replace(/\.ipynb$/, ""))));
}

let kernelReady: Promise<void> | undefined;

/** Outcome of one headless notebook run. */
export type NotebookRun = {
  name: string;
  ok: boolean;
  seconds: number;
  /** Executed copy (`runs/notebooks/<name>.ipynb`). */
  executed: string;
  /** `MEDKD_OUT` of the run: the study's metrics JSON and HTML report. */
  outDir: string;
  /** The end of nbconvert's stderr when the run failed. */
  error?: string;
  /** Runs made (2 when the first lost its kernel connection, see {@link TRANSPORT_ERROR}). */
  attempts: number;
};

/**
 * nbconvert's stderr when jupyter_client rejected a message from the kernel on the wire (HMAC
 * check). Seen once in CI under load on the KiTS notebook with Deno 2.9.6's kernel: it breaks
 * the connection, not the notebook's code, so {@link executeNotebook} runs the notebook once more.
 */
export const TRANSPORT_ERROR =
  /ValueError: (Invalid|Duplicate) Signature|ValueError: Unsigned Message/;

/**
 * Execute `notebooks/<file>` headless at demo scale (nbconvert, Deno kernel) and export HTML.
 * `env` adds to the notebook's environment (`MEDKD_SCALE=demo`, `MEDKD_OUT`, `NO_COLOR`).
 */
export async function executeNotebook(
  file: string,
  env: Record<string, string> = {},
): Promise<NotebookRun> {
  kernelReady ??= ensureKernel();
  await kernelReady;
  await Deno.mkdir(OUT_DIR, { recursive: true });
  const name = basename(file, ".ipynb");
  const outDir = join(OUT_DIR, name);
  const executed = join(OUT_DIR, `${name}.ipynb`);
  const args = [
    "nbconvert",
    "--to",
    "notebook",
    "--execute",
    join(NB_DIR, file),
    "--output-dir",
    OUT_DIR,
    "--output",
    `${name}.ipynb`,
    `--ExecutePreprocessor.timeout=${TIMEOUT_S}`,
    "--ExecutePreprocessor.kernel_name=deno",
  ];
  const nbEnv = { MEDKD_SCALE: "demo", MEDKD_OUT: outDir, NO_COLOR: "1", ...env };
  const t0 = performance.now();
  let ex = await run("jupyter", args, nbEnv), attempts = 1;
  if (ex.code !== 0 && TRANSPORT_ERROR.test(ex.err)) {
    const why = ex.err.match(TRANSPORT_ERROR)![0];
    console.error(`notebooks: ${name}: the kernel connection broke (${why}); running it again`);
    ex = await run("jupyter", args, nbEnv);
    attempts = 2;
  }
  const seconds = (performance.now() - t0) / 1000;
  const result = { name, ok: true, seconds, executed, outDir, attempts };
  if (ex.code !== 0) {
    return { ...result, ok: false, error: ex.err.split("\n").slice(-40).join("\n") };
  }
  const html = await run("jupyter", [
    "nbconvert",
    "--to",
    "html",
    executed,
    "--output-dir",
    OUT_DIR,
  ]);
  if (html.code !== 0) return { ...result, ok: false, error: `HTML export failed:\n${html.err}` };
  return result;
}

async function main(): Promise<number> {
  let notebooks: string[];
  try {
    notebooks = await findNotebooks(NB_DIR, Deno.args);
  } catch (e) {
    console.error(`notebooks: cannot read ${NB_DIR}: ${(e as Error).message}`);
    return 1;
  }
  if (!notebooks.length) {
    console.error(`notebooks: none found in notebooks/ matching ${Deno.args.join(" ") || "0*"}`);
    return Deno.args.length ? 1 : 0;
  }
  const results: NotebookRun[] = [];
  for (const nb of notebooks) {
    console.log(`notebooks: ${basename(nb, ".ipynb")} …`);
    const r = await executeNotebook(nb);
    if (r.error) console.error(r.error);
    const runs = r.attempts > 1 ? ` (${r.attempts} runs)` : "";
    console.log(
      `notebooks: ${r.name} ${r.ok ? "ok" : "FAILED"} in ${r.seconds.toFixed(1)} s${runs}`,
    );
    results.push(r);
  }
  const failed = results.filter((r) => !r.ok);
  const total = results.reduce((a, r) => a + r.seconds, 0);
  console.log("\nsummary:");
  for (const r of results) {
    console.log(`  ${r.ok ? "ok    " : "FAILED"} ${r.seconds.toFixed(1).padStart(7)} s  ${r.name}`);
  }
  console.log(
    `  ${results.length - failed.length}/${results.length} ok, ${total.toFixed(1)} s in total; ` +
      `executed copies and HTML in runs/notebooks/`,
  );
  return failed.length ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main());
