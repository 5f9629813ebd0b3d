import { appendFileSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadSafetensorsFile, saveSafetensorsFile } from "@nablajs/nn/node";
import type { Checkpoint } from "./checkpoint.js";

/** The corpus shipped with the app (apps/char-lm/data/tinyshakespeare.txt). */
export const defaultCorpus = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "data",
  "tinyshakespeare.txt",
);

export async function readCorpus(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    throw new Error(`char-lm: cannot read the corpus ${path}: ${(e as Error).message}`);
  }
}

/** A 32-bit FNV-1a hash of a text, to tell whether a resumed run reads the corpus it trained on. */
export function textHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

/** Writes a small text file atomically (temporary file, then rename). */
export async function writeAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

/** The files of a run folder. */
export class RunFiles {
  readonly checkpoint: string;
  readonly metrics: string;
  readonly samples: string;
  readonly report: string;
  readonly lossSvg: string;

  constructor(readonly dir: string) {
    this.checkpoint = join(dir, "checkpoint.safetensors");
    this.metrics = join(dir, "metrics.jsonl");
    this.samples = join(dir, "samples.txt");
    this.report = join(dir, "report.html");
    this.lossSvg = join(dir, "loss.svg");
  }

  /** Whether the folder holds a run's checkpoint. */
  hasCheckpoint(): boolean {
    return existsSync(this.checkpoint);
  }

  /** Whether `dir` exists as something other than a folder. */
  isFile(): boolean {
    return existsSync(this.dir) && !statSync(this.dir).isDirectory();
  }

  /** Removes the files a run writes (and nothing else in the folder). */
  clear(): void {
    for (const f of [this.checkpoint, this.metrics, this.samples, this.report, this.lossSvg])
      rmSync(f, { force: true });
  }

  /** Writes the checkpoint atomically (safetensors: temporary file, then rename): a crash keeps the last good one. */
  async saveCheckpoint(ckpt: Checkpoint): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await saveSafetensorsFile(this.checkpoint, ckpt.tensors, ckpt.metadata);
  }

  async loadCheckpoint(): Promise<Checkpoint> {
    return loadSafetensorsFile(this.checkpoint);
  }

  /** Appends one JSON line to metrics.jsonl. */
  appendMetrics(record: object): void {
    appendFileSync(this.metrics, `${JSON.stringify(record)}\n`);
  }

  /** The records of metrics.jsonl up to `step` (later ones, written after the last checkpoint, are dropped from the file). */
  readMetrics(upToStep = Number.POSITIVE_INFINITY): Record<string, any>[] {
    if (!existsSync(this.metrics)) return [];
    const lines = readFileSync(this.metrics, "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "");
    const records = lines.map((l) => JSON.parse(l) as Record<string, any>).filter((r) => r.step <= upToStep);
    if (records.length !== lines.length)
      writeFileSync(this.metrics, records.map((r) => `${JSON.stringify(r)}\n`).join(""));
    return records;
  }

  /** Appends a block to samples.txt. */
  appendSample(text: string): void {
    appendFileSync(this.samples, `${text}\n`);
  }
}
