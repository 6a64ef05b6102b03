/**
 * `deno task bench`: medkd vs PyTorch CPU on the same machine, in one run.
 *
 * Workloads (a)–(d) run one process per (workload, backend) via `train_step.ts`, so a slow
 * backend can be capped: fast CPU kernels always; TF.js's reference CPU kernels and WebGPU (when
 * an adapter exists) under a time cap. PyTorch runs `train_step_torch.py` with 2 threads.
 * Then the other benches in this folder (`nifti.ts`, `slice.ts`, `metrics.ts`: any exported
 * `bench*` function) if present. Prints a table of medians and medkd/reference ratios and writes
 * `runs/bench/bench.json` and `runs/bench/bench.html`.
 *
 * Options: `--only unet2d,resunet,...` `--reps N` `--ref-cap S` (seconds, 0 = skip reference
 * CPU kernels) `--webgpu-cap S` (0 = skip WebGPU) `--no-torch` `--no-extra` `--threads N`.
 * @module
 */
import { findPython } from "../../tests/_util/reference.ts";

type Row = {
  name: string;
  backend: string;
  medkdMs: number | null;
  refMs: number | null;
  ratio: number | null;
  /** Process CPU time per step (medians): less sensitive than wall time to a loaded machine. */
  medkdCpuMs?: number | null;
  refCpuMs?: number | null;
  note?: string;
};

const LABELS: Record<string, string> = {
  unet2d: "(a) UNet 2D train step, 16×64×64×1",
  resunet: "(b) ResNet-18-UNet train step, 4×224×224×3",
  unet3d: "(c) 3D UNet train step, 2×16×64×64×4",
  unet3d_in: "(c2) 3D UNet, InstanceNorm + LeakyReLU, train step, 2×16×64×64×4",
  unet2d_infer: "(d) UNet 2D inference, 16×64×64×1",
  resunet_infer: "(d) ResNet-18-UNet inference, 4×224×224×3",
};

function arg(name: string, dflt: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1] : dflt;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

type Result = { ms: number[]; cpuMs?: number[]; detail: string; profile?: [string, number][] };

async function runJson(cmd: string, args: string[], capS: number): Promise<Result | string> {
  try {
    const out = await new Deno.Command(cmd, {
      args,
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(capS * 1000),
      env: { NO_COLOR: "1" },
    }).output();
    const text = new TextDecoder().decode(out.stdout).trim().split("\n").pop() ?? "";
    if (!out.success) {
      const err = new TextDecoder().decode(out.stderr)
        .split("\n").filter((l) => /error/i.test(l)).slice(0, 2).join(" ");
      return out.signal ? `> ${capS} s (stopped)` : `failed: ${err.slice(0, 200)}`;
    }
    return JSON.parse(text) as Result;
  } catch (e) {
    return (e as Error).name === "TimeoutError" || (e as Error).name === "AbortError"
      ? `> ${capS} s (stopped)`
      : `failed: ${(e as Error).message}`;
  }
}

async function webgpuAvailable(): Promise<string | null> {
  // deno-lint-ignore no-explicit-any
  const gpu = (navigator as any).gpu;
  if (!gpu) return null;
  try {
    const a = await gpu.requestAdapter();
    return a ? (a.info?.description || a.info?.vendor || "adapter") : null;
  } catch {
    return null;
  }
}

async function extraBenches(rows: Row[]): Promise<void> {
  for (const file of ["nifti.ts", "slice.ts", "metrics.ts"]) {
    const url = new URL(`./${file}`, import.meta.url);
    try {
      await Deno.stat(url);
    } catch {
      continue;
    }
    try {
      const mod = await import(url.href);
      const fn = Object.entries(mod).find(([k, v]) =>
        k.startsWith("bench") && typeof v === "function"
      );
      if (!fn) continue;
      const res = await (fn[1] as () => Promise<unknown>)();
      for (const r of (Array.isArray(res) ? res : [res]) as Row[]) {
        rows.push({ ...r, backend: "medkd vs Python" });
      }
    } catch (e) {
      rows.push({
        name: file,
        backend: "-",
        medkdMs: null,
        refMs: null,
        ratio: null,
        note: `failed: ${(e as Error).message}`,
      });
    }
  }
}

function fmt(v: number | null, d = 0): string {
  return v === null || !Number.isFinite(v) ? "-" : v.toFixed(d);
}

function html(rows: Row[], meta: Record<string, unknown>): string {
  const max = Math.max(1, ...rows.map((r) => r.ratio ?? 0));
  const bars = rows.map((r, i) => {
    const w = r.ratio ? (r.ratio / max) * 400 : 0;
    const color = r.ratio === null
      ? "#ccc"
      : r.ratio <= 2
      ? "#2a9d8f"
      : r.ratio <= 3
      ? "#e9c46a"
      : "#e76f51";
    return `<text x="0" y="${i * 22 + 15}" font-size="12">${esc(r.name)} [${
      esc(r.backend)
    }]</text>` +
      `<rect x="380" y="${i * 22 + 3}" width="${w}" height="16" fill="${color}"/>` +
      `<text x="${385 + w}" y="${i * 22 + 15}" font-size="12">${fmt(r.ratio, 2)}</text>`;
  }).join("");
  const oneX = 380 + 400 / max;
  const table = rows.map((r) =>
    `<tr><td>${esc(r.name)}</td><td>${esc(r.backend)}</td><td>${fmt(r.medkdMs)}</td>` +
    `<td>${fmt(r.refMs)}</td><td>${fmt(r.ratio, 2)}</td><td>${fmt(r.medkdCpuMs ?? null)}</td>` +
    `<td>${fmt(r.refCpuMs ?? null)}</td><td>${esc(r.note ?? "")}</td></tr>`
  ).join("\n");
  return `<!doctype html><meta charset="utf-8"><title>medkd bench</title>
<h1>medkd benchmarks</h1><pre>${esc(JSON.stringify(meta, null, 1))}</pre>
<table border="1" cellpadding="4"><tr><th>workload</th><th>backend</th><th>medkd ms (median)</th>
<th>reference ms (median)</th><th>ratio medkd/reference</th><th>medkd CPU ms</th>
<th>reference CPU ms</th><th>note</th></tr>
${table}</table>
<h2>ratio medkd / reference (line: 1×)</h2>
<svg width="900" height="${rows.length * 22 + 10}" xmlns="http://www.w3.org/2000/svg">${bars}
<line x1="${oneX}" x2="${oneX}" y1="0" y2="${
    rows.length * 22
  }" stroke="black" stroke-dasharray="4"/></svg>`;
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

async function main(): Promise<void> {
  const only = arg("only", Object.keys(LABELS).join(",")).split(",");
  const reps = arg("reps", "5");
  const refCap = Number(arg("ref-cap", "120"));
  const gpuCap = Number(arg("webgpu-cap", "300"));
  const threads = arg("threads", "2");
  const torch = !Deno.args.includes("--no-torch") && findPython(["torch"]);
  if (!torch) {
    console.error("PyTorch column skipped: no python3 with torch (Debian: python3-torch)");
  }
  const gpu = gpuCap > 0 ? await webgpuAvailable() : null;
  const script = new URL("./train_step.ts", import.meta.url).pathname;
  const py = new URL("./train_step_torch.py", import.meta.url).pathname;
  const rows: Row[] = [];
  const details: Record<string, string> = {};
  for (const w of only) {
    const label = LABELS[w] ?? w;
    let torchMs: number | null = null, torchCpu: number | null = null;
    if (torch) {
      const r = await runJson(torch, [py, w, reps, threads], 1800);
      if (typeof r === "string") console.error(`pytorch ${w}: ${r}`);
      else {
        torchMs = median(r.ms);
        torchCpu = r.cpuMs ? median(r.cpuMs) : null;
        details.pytorch = r.detail;
      }
    }
    const backends: [string, number][] = [["cpu", 1800]];
    if (refCap > 0) backends.push(["cpu-ref", refCap]);
    if (gpu) backends.push(["webgpu", gpuCap]);
    for (const [b, cap] of backends) {
      const r = await runJson(Deno.execPath(), [
        "run",
        "-A",
        script,
        w,
        b,
        b === "cpu" ? reps : "1",
      ], cap);
      const row: Row = {
        name: label,
        backend: b,
        medkdMs: null,
        refMs: torchMs,
        ratio: null,
        refCpuMs: torchCpu,
      };
      if (typeof r === "string") row.note = r;
      else {
        row.medkdMs = median(r.ms);
        row.ratio = torchMs ? row.medkdMs / torchMs : null;
        row.medkdCpuMs = r.cpuMs ? median(r.cpuMs) : null;
        details[b] = r.detail;
      }
      rows.push(row);
      console.error(
        `${label} [${b}]: ${fmt(row.medkdMs)} ms vs PyTorch ${fmt(torchMs)} ms ${row.note ?? ""}`,
      );
    }
  }
  if (!Deno.args.includes("--no-extra")) await extraBenches(rows);
  const meta = {
    date: new Date().toISOString(),
    cores: navigator.hardwareConcurrency,
    reps: Number(reps),
    threads: Number(threads),
    webgpu: gpu,
    backends: details,
  };
  console.log(
    "| workload | backend | medkd ms | reference ms | ratio | medkd CPU ms | reference CPU ms | note |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${r.backend} | ${fmt(r.medkdMs)} | ${fmt(r.refMs)} | ${fmt(r.ratio, 2)} | ` +
        `${fmt(r.medkdCpuMs ?? null)} | ${fmt(r.refCpuMs ?? null)} | ${r.note ?? ""} |`,
    );
  }
  await Deno.mkdir("runs/bench", { recursive: true });
  await Deno.writeTextFile("runs/bench/bench.json", JSON.stringify({ meta, rows }, null, 1));
  await Deno.writeTextFile("runs/bench/bench.html", html(rows, meta));
  console.error("wrote runs/bench/bench.json and runs/bench/bench.html");
}

if (import.meta.main) await main();
