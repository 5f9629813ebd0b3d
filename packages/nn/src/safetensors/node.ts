import { randomBytes } from "node:crypto";
import { open, readFile, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Tensor } from "@nablajs/tensor";
import { loadSafetensors, type Safetensors } from "./load.js";
import { saveSafetensors } from "./save.js";

/**
 * Writes tensors to a safetensors file atomically: the bytes go to a temporary file in the same
 * directory, are flushed to disk, then renamed over `path`, so a crash never leaves a torn file.
 */
export async function saveSafetensorsFile(
  path: string,
  tensors: Record<string, Tensor>,
  metadata?: Record<string, string>,
): Promise<void> {
  if (typeof path !== "string" || path === "")
    throw new Error("saveSafetensorsFile: path must be a non-empty string");
  const bytes = saveSafetensors(tensors, metadata);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    const file = await open(tmp, "wx");
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new Error(`saveSafetensorsFile: cannot write ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** Reads and validates a safetensors file (see `loadSafetensors`). */
export async function loadSafetensorsFile(path: string): Promise<Safetensors> {
  if (typeof path !== "string" || path === "")
    throw new Error("loadSafetensorsFile: path must be a non-empty string");
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new Error(`loadSafetensorsFile: cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    return loadSafetensors(bytes);
  } catch (e) {
    throw new Error(`${(e as Error).message} (in ${path})`, { cause: e });
  }
}
