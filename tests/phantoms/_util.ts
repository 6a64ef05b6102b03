/** Helpers for the phantom tests: list a folder, compare two folders byte by byte, AUC. */
import { join } from "node:path";

/** Every file under `dir`, relative, sorted. */
export async function walk(dir: string, rel = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(join(dir, rel))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory) out.push(...await walk(dir, r));
    else out.push(r);
  }
  return out.sort();
}

/** Files whose bytes differ between two folders with the same file list. */
export async function differing(a: string, b: string, files: string[]): Promise<string[]> {
  const diff: string[] = [];
  for (const f of files) {
    const x = await Deno.readFile(join(a, f)), y = await Deno.readFile(join(b, f));
    if (x.length !== y.length || x.some((v, i) => v !== y[i])) diff.push(f);
  }
  return diff;
}

/** Run `fn` with a fresh temporary folder, removed afterwards. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "medkd_phantom_" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Mean and population standard deviation of `data` where `pick(i)` holds. */
export function stats(data: ArrayLike<number>, pick: (i: number) => boolean) {
  let n = 0, s = 0, q = 0;
  for (let i = 0; i < data.length; i++) {
    if (!pick(i)) continue;
    n++;
    s += data[i];
    q += data[i] * data[i];
  }
  const mean = s / n;
  return { n, mean, sd: Math.sqrt(Math.max(0, q / n - mean * mean)) };
}

/**
 * Area under the ROC curve of `scores` for binary `labels` by the rank-sum (Mann–Whitney)
 * statistic with mid-ranks for ties; written here so the tests do not depend on lib/metrics.
 */
export function rankAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) =>
    scores[a] - scores[b]
  );
  let rankSum = 0, nPos = 0;
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j < idx.length && scores[idx[j]] === scores[idx[i]]) j++;
    const mid = (i + 1 + j) / 2; // ranks i+1 … j share their mean
    for (let k = i; k < j; k++) if (labels[idx[k]]) rankSum += mid;
    i = j;
  }
  for (let i = 0; i < labels.length; i++) if (labels[i]) nPos++;
  const nNeg = labels.length - nPos;
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}
