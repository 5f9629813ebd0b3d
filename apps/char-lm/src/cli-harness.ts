// Test helpers: run the command line in-process on a temporary folder with a tiny model.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultCorpus } from "./files.js";
import { type CliIo, runCli } from "./main.js";

/** A model small enough that a run of a few steps takes well under a second. */
export const TINY = ["--embed", "8", "--hidden", "16", "--batch", "4", "--seq", "16"];

/** What a command line printed and returned. */
export interface Ran {
  code: number;
  out: string;
  err: string;
  /** Everything written to stdout, one entry per write (to see redraws of the bar). */
  writes: string[];
}

/** A fresh temporary folder holding `text.txt`: 20,000 characters of the shipped corpus. */
export function tempRun(text = readFileSync(defaultCorpus, "utf8").slice(0, 20_000)): string {
  const dir = mkdtempSync(join(tmpdir(), "char-lm-cli-"));
  writeFileSync(join(dir, "text.txt"), text);
  return dir;
}

/** Runs `argv` with `cwd` as the caller's directory; `io` overrides parts (a TTY, Ctrl-C). */
export async function cli(
  cwd: string,
  argv: string[],
  io: Partial<CliIo> & { tty?: boolean } = {},
): Promise<Ran> {
  const writes: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    stdout: { write: (s: string) => writes.push(s), isTTY: io.tty ?? false, columns: 120 },
    stderr: { write: (s: string) => err.push(s) },
    cwd,
    ...io,
  });
  return { code, out: writes.join(""), err: err.join(""), writes };
}
