import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadSafetensorsFile, saveSafetensorsFile } from "@nablajs/nn/node";
import type { Checkpoint } from "./trainer.js";

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

export const checkpointPath = (runDir: string) => join(runDir, "checkpoint.safetensors");

/** Writes the checkpoint atomically (temporary file, then rename): a crash keeps the last good one. */
export async function saveCheckpoint(runDir: string, ckpt: Checkpoint): Promise<void> {
  await mkdir(runDir, { recursive: true });
  await saveSafetensorsFile(checkpointPath(runDir), ckpt.tensors, ckpt.metadata);
}

export async function loadCheckpoint(runDir: string): Promise<Checkpoint> {
  const path = checkpointPath(runDir);
  if (!existsSync(path))
    throw new Error(`char-lm: no checkpoint at ${path}; train first (char-lm train --out ${runDir})`);
  return loadSafetensorsFile(path);
}

/** Writes a small text file atomically. */
export async function writeAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}
