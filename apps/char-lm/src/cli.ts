#!/usr/bin/env node
// The bin: picks the backend before @nablajs/tensor loads (NABLA_BACKEND, from --backend), then
// runs the command line with the process's streams, where the user stands, and Ctrl-C trapped
// while training (a second Ctrl-C quits at once).
const argv = process.argv.slice(2);
const flag = argv.findIndex((a) => a === "--backend" || a.startsWith("--backend="));
const backend = flag < 0 ? undefined : argv[flag]!.includes("=") ? argv[flag]!.split("=")[1] : argv[flag + 1];
if (backend === "native" || backend === "wasm" || backend === "js") process.env.NABLA_BACKEND = backend;

export {};

const { runCli } = await import("./main.js");
const viaPnpm = process.env.npm_lifecycle_event === "char-lm" || process.env.npm_lifecycle_event === "start";
process.exitCode = await runCli(argv, {
  stdout: process.stdout,
  stderr: process.stderr,
  // pnpm runs scripts from the package's folder and says where it was called from in INIT_CWD.
  cwd: (process.env.npm_lifecycle_event && process.env.INIT_CWD) || process.cwd(),
  invocation: viaPnpm ? "pnpm char-lm" : "char-lm",
  trapInterrupt() {
    const stop = new AbortController();
    process.on("SIGINT", () => {
      if (stop.signal.aborted) {
        process.stderr.write("\nchar-lm: interrupted again: quitting without saving this step\n");
        process.exit(130);
      }
      stop.abort();
    });
    return stop.signal;
  },
});
