import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Example } from "./example.js";

/** The folder of the example files (`01-derivative-limit.ts`, ...). */
export const examplesDir = join(dirname(fileURLToPath(import.meta.url)), "..", "examples");

/** The example files' names without `.ts`, in the subject's order (their number). */
export function listExamples(): string[] {
  return readdirSync(examplesDir)
    .filter((f) => /^\d\d-[a-z0-9-]+\.ts$/.test(f))
    .map((f) => f.slice(0, -3))
    .sort();
}

/** The example files that `query` names: a number (`3`, `03`), a name (`gradient-descent`) or a part of one. */
export function findExamples(query: string): string[] {
  const all = listExamples();
  if (/^\d+$/.test(query)) return all.filter((f) => Number(f.slice(0, 2)) === Number(query));
  const exact = all.filter((f) => f === query || f.slice(3) === query);
  return exact.length > 0 ? exact : all.filter((f) => f.includes(query));
}

/** Imports one example file's default export. */
export async function loadExample(file: string): Promise<Example> {
  const mod = (await import(join(examplesDir, `${file}.ts`))) as { default: Example };
  return mod.default;
}
