import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "tsup";
import { beforeAll, describe, expect, it } from "vitest";
import { TINY, tempRun } from "./cli-harness.js";

// The real bin (src/cli.ts bundled as dist/cli.js is), in a child process, to see the process
// side: exit codes, Ctrl-C (SIGINT) and where relative paths land.
let bin: string;
beforeAll(async () => {
  const outDir = mkdtempSync(join(tmpdir(), "char-lm-bin-"));
  await build({
    entry: { cli: join(import.meta.dirname, "cli.ts") },
    outDir,
    format: ["esm"],
    platform: "node",
    target: "node20",
    noExternal: [/.*/],
    splitting: false,
    silent: true,
    config: false,
    esbuildOptions(options) {
      options.conditions = ["source", "node", "import"];
    },
  });
  bin = join(outDir, "cli.js");
}, 60_000);

/** The environment of a user's shell: no pnpm script variables, the backend given by --backend. */
function shellEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env))
    if (k.startsWith("npm_") || k === "INIT_CWD" || k === "NABLA_BACKEND") delete env[k];
  return env;
}

describe("the char-lm bin", () => {
  it("prints its version and exits 2 on a usage error", () => {
    const v = spawnSync("node", [bin, "--version"], { encoding: "utf8", env: shellEnv() });
    expect([v.status, v.stdout.trim()]).toEqual([
      0,
      `char-lm ${JSON.parse(readFileSync(join(import.meta.dirname, "../package.json"), "utf8")).version}`,
    ]);
    const bad = spawnSync("node", [bin, "train", "--steps", "-1"], { encoding: "utf8", env: shellEnv() });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--steps must be an integer >= 1/);
  });

  it("on Ctrl-C finishes the step, saves, says how to resume and exits 130", async () => {
    const dir = tempRun();
    const child = spawn(
      "node",
      [bin, "train", "--data", "text.txt", "--out", "run", ...TINY, "--steps", "100000", "--backend", "wasm"],
      {
        cwd: dir,
        env: shellEnv(),
      },
    );
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const metrics = join(dir, "run/metrics.jsonl");
    const exited = new Promise<number | null>((ok) => child.on("exit", (code) => ok(code)));
    for (
      let i = 0;
      i < 600 && !(existsSync(metrics) && readFileSync(metrics, "utf8").split("\n").length > 3);
      i++
    )
      await new Promise((ok) => setTimeout(ok, 50));
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(out).toMatch(/interrupted at step \d+/);
    expect(out).toMatch(/char-lm train --out run --resume/);
    expect(out).toMatch(/backend wasm/);
    expect(existsSync(join(dir, "run/checkpoint.safetensors"))).toBe(true);
  }, 60_000);
});
