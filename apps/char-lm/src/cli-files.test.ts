import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, TINY, tempRun } from "./cli-harness.js";

const repo = resolve(import.meta.dirname, "../../..");
const biome = join(repo, "node_modules/.bin/biome");

describe("char-lm train: the run folder", () => {
  it("resolves paths where the caller stands and names the default run after the corpus", async () => {
    const dir = tempRun();
    const r = await cli(dir, ["train", "--data", "text.txt", ...TINY, "--steps", "4"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, "runs/text/checkpoint.safetensors"))).toBe(true);
    const s = await cli(dir, ["sample", "--out", "runs/text", "--length", "20"]);
    expect([s.code, s.err]).toEqual([0, ""]);
  });

  it.skipIf(!existsSync(biome))("writes files that pass the repository's Biome checks", async () => {
    const dir = tempRun();
    expect(
      (await cli(dir, ["train", "--data", "text.txt", ...TINY, "--steps", "4", "--eval-every", "2"])).code,
    ).toBe(0);
    const r = spawnSync(
      biome,
      ["ci", "--colors=off", `--config-path=${join(repo, "biome.json")}`, join(dir, "runs")],
      {
        encoding: "utf8",
      },
    );
    expect(r.stdout + r.stderr).not.toMatch(/error|✖/i);
    expect(r.status).toBe(0);
    // and git ignores a run folder wherever it lands in the repository
    for (const p of ["runs/x/loss.svg", "apps/char-lm/runs/x/report.html"]) {
      expect(spawnSync("git", ["check-ignore", "-q", p], { cwd: repo }).status, p).toBe(0);
    }
  });

  it("refuses to replace an existing run unless told to", async () => {
    const dir = tempRun();
    const args = ["train", "--data", "text.txt", "--out", "run", ...TINY, "--steps", "3"];
    expect((await cli(dir, args)).code).toBe(0);
    const before = readFileSync(join(dir, "run/checkpoint.safetensors"));
    const again = await cli(dir, args);
    expect(again.code).not.toBe(0);
    expect(again.err).toMatch(/already holds a run/);
    expect(again.err).toMatch(/--resume/);
    expect(again.err).toMatch(/--force/);
    expect(readFileSync(join(dir, "run/checkpoint.safetensors")).equals(before)).toBe(true);
    const forced = await cli(dir, [...args, "--force", "--seed", "9"]);
    expect([forced.code, forced.err]).toEqual([0, ""]);
    expect(readFileSync(join(dir, "run/checkpoint.safetensors")).equals(before)).toBe(false);
  });

  it("fails before training when --out is a file", async () => {
    const dir = tempRun();
    writeFileSync(join(dir, "taken"), "x");
    const r = await cli(dir, ["train", "--data", "text.txt", "--out", "taken", ...TINY, "--steps", "3"]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/--out taken is a file/);
    expect(r.out).not.toMatch(/step 1/);
    mkdirSync(join(dir, "sub"));
    const nested = await cli(dir, [
      "train",
      "--data",
      "text.txt",
      "--out",
      "taken/run",
      ...TINY,
      "--steps",
      "3",
    ]);
    expect(nested.code).not.toBe(0);
  });
});
