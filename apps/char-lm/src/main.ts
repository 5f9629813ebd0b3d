import { backendStatus, createWasmBackend, getBackend, jsBackend, setBackend } from "@nablajs/tensor";
import pkg from "../package.json" with { type: "json" };
import { checkOptions, tokenize, UsageError } from "./args.js";
import { evalCommand } from "./eval-command.js";
import type { CliIo } from "./io.js";
import { ALL_OPTIONS, COMMANDS, HELP } from "./options.js";
import { sampleCommand } from "./sample-command.js";
import { trainCommand } from "./train-command.js";

export type { CliIo } from "./io.js";

/** The app's version, from its package.json (bundled into dist/cli.js). */
export const VERSION: string = pkg.version;

/** Makes `name` the running backend, or says why it cannot run here. */
function useBackend(name: string): void {
  if (getBackend().name === name) return;
  const made = name === "js" ? jsBackend : name === "wasm" ? createWasmBackend() : null;
  if (made !== null) {
    setBackend(made);
    return;
  }
  const why =
    backendStatus().unavailable.find((u) => u.name === name)?.reason ?? "it is not loaded in this process";
  throw new Error(`char-lm: the ${name} backend cannot run here: ${why}`);
}

/**
 * Runs one command line (`train`, `sample`, `eval`, `--help`, `--version`) and returns the exit
 * code: 0, 1 for a failure, 2 for a mistake in the command line, 130 for a run stopped by Ctrl-C.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    const { command, raw } = tokenize(argv, ALL_OPTIONS, "char-lm");
    if (raw.has("version")) {
      io.stdout.write(`char-lm ${VERSION}\n`);
      return 0;
    }
    if (raw.has("help") || command === undefined || command === "help") {
      io.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (!(command in COMMANDS))
      throw new UsageError(`char-lm: unknown command '${command}' (train, sample or eval)`);
    const name = command as keyof typeof COMMANDS;
    const values = checkOptions(raw, COMMANDS[name], `char-lm ${name}`);
    const backend = values.get("backend") as string | undefined;
    if (backend !== undefined) useBackend(backend);
    if (name === "train") return await trainCommand(values, io);
    if (name === "sample") return await sampleCommand(values, io);
    return await evalCommand(values, io);
  } catch (e) {
    const usage = e instanceof UsageError;
    // A TypeError, RangeError or ReferenceError is a bug of ours: give its stack to report.
    const bug = e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError;
    io.stderr.write(
      `${(e as Error).message}${usage ? "\n(char-lm --help lists the commands and options)" : ""}\n`,
    );
    if (bug)
      io.stderr.write(
        `${(e as Error).stack}\nThis is a bug in char-lm: please report it with the lines above.\n`,
      );
    return usage ? 2 : 1;
  }
}
