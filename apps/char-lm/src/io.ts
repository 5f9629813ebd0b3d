import { basename, extname, relative } from "node:path";
import type { Sink } from "./progress.js";

/** Where the command line reads and writes: the process in the bin (cli.ts), buffers in tests. */
export interface CliIo {
  stdout: Sink;
  stderr: Sink;
  /** The directory relative paths resolve against: where the user stands. */
  cwd: string;
  /** Starts catching Ctrl-C for a training run: the signal aborts on the first one. */
  trapInterrupt?: () => AbortSignal;
  /** How to run the tool again, for the hints in messages (default "char-lm"). */
  invocation?: string;
  /** A clock in seconds (tests pass a fake one). */
  now?: () => number;
}

/** Writes a line to stdout. */
export function say(io: CliIo, line: string): void {
  io.stdout.write(`${line}\n`);
}

/** A path as the user would type it from where they stand. */
export function shown(io: CliIo, path: string): string {
  const rel = relative(io.cwd, path);
  return rel === "" ? "." : rel.startsWith("..") && rel.split("/").length > 3 ? path : rel;
}

/** The default run folder for a corpus: runs/<its file name without extension>. */
export function defaultOut(corpusPath: string): string {
  return `runs/${basename(corpusPath, extname(corpusPath)) || "run"}`;
}

/** A number in a message: 3 significant digits, exponent notation when very large or small. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) < 1e-2 || Math.abs(v) >= 1e5)) return v.toExponential(2);
  return String(Number(v.toPrecision(3)));
}
