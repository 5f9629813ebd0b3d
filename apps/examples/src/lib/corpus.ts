import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The corpus the char-LM demo trains on (read in place, never copied). */
export const corpusPath = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "..",
  "char-lm",
  "data",
  "tinyshakespeare.txt",
);

let text: string | undefined;

/** The whole of tinyshakespeare (1.1 MB), read once. */
export function corpus(): string {
  text ??= readFileSync(corpusPath, "utf8");
  return text;
}

/** One speech: who speaks and what they say (its lines joined by newlines). */
export interface Speech {
  readonly speaker: string;
  readonly text: string;
}

/** The speeches of the play text: a line `NAME:` then the lines up to the next blank one. */
export function speeches(): Speech[] {
  return corpus()
    .split(/\n\s*\n/)
    .map((block) => block.split("\n"))
    .filter((lines) => lines.length > 1 && /^[A-Z][A-Za-z' ]*:$/.test(lines[0]!))
    .map((lines) => ({ speaker: lines[0]!.slice(0, -1), text: lines.slice(1).join("\n") }));
}

/** Lowercase words of a text (letters and apostrophes). */
export const words = (s: string): string[] => s.toLowerCase().match(/[a-z']+/g) ?? [];
