/**
 * Options and helpers shared by the phantom writers.
 * @module
 */
import { dirname, join } from "node:path";

/** Progress report after each case is written. */
export type PhantomProgress = {
  /** 1-based count of cases written so far. */
  done: number;
  total: number;
  /** Case name, e.g. `case_00003`. */
  name: string;
};

/** Options every `write*` phantom function takes. */
export type PhantomOptions = {
  /** Number of cases (default: the study's demo count). */
  cases?: number;
  /** Base seed (default: the study's demo seed). */
  seed?: number;
  /** Called after each case is on disk. */
  onCase?: (p: PhantomProgress) => void;
};

/** What a writer produced: every file it wrote, relative to the output folder, sorted. */
export type PhantomResult = { dir: string; cases: number; files: string[] };

/** Collects written files and creates parent folders on demand. */
export class FileLog {
  readonly dir: string;
  readonly files: string[] = [];
  #made = new Set<string>();
  /** @param dir the output folder */
  constructor(dir: string) {
    this.dir = dir;
  }
  /** Absolute path of `rel`, creating its folder; records `rel` as written. */
  async path(rel: string): Promise<string> {
    const full = join(this.dir, rel);
    const parent = dirname(full);
    if (!this.#made.has(parent)) {
      await Deno.mkdir(parent, { recursive: true });
      this.#made.add(parent);
    }
    this.files.push(rel);
    return full;
  }
  /** Write a text file. */
  async text(rel: string, content: string): Promise<void> {
    await Deno.writeTextFile(await this.path(rel), content);
  }
  /** Copy an already written file `from` (relative) to `to` (relative). */
  async copy(from: string, to: string): Promise<void> {
    const dst = await this.path(to);
    await Deno.copyFile(join(this.dir, from), dst);
  }
  /** The result object (files sorted). */
  result(cases: number): PhantomResult {
    return { dir: this.dir, cases, files: [...this.files].sort() };
  }
}
