import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, TINY, tempRun } from "./cli-harness.js";

const start = ["train", "--data", "text.txt", "--out", "run", ...TINY];

describe("char-lm train --resume", () => {
  it("keeps the samples and the evaluation interval, and says that --steps extends the schedule", async () => {
    const dir = tempRun();
    expect((await cli(dir, [...start, "--steps", "6", "--eval-every", "2"])).code).toBe(0);
    const r = await cli(dir, ["train", "--out", "run", "--resume", "--steps", "10"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/resuming at step 6/);
    expect(r.out).toMatch(/schedule/i);
    expect(r.out).toMatch(/6 to 10 steps/);
    const samples = readFileSync(join(dir, "run/samples.txt"), "utf8");
    for (const step of [2, 4, 6, 8, 10]) expect(samples).toContain(`--- step ${step},`);
  });

  it("refuses flags that contradict the checkpoint, naming each", async () => {
    const dir = tempRun();
    expect((await cli(dir, [...start, "--steps", "2"])).code).toBe(0);
    const r = await cli(dir, [
      "train",
      "--out",
      "run",
      "--resume",
      "--steps",
      "4",
      "--hidden",
      "32",
      "--lr",
      "0.1",
    ]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/--hidden 32/);
    expect(r.err).toMatch(/--lr 0.1/);
    expect(r.err).toMatch(/hidden 16/);
    // the same values as the checkpoint's are fine
    const same = await cli(dir, ["train", "--out", "run", "--resume", "--steps", "4", "--hidden", "16"]);
    expect([same.code, same.err]).toEqual([0, ""]);
  });

  it("says what to do when the run is already complete", async () => {
    const dir = tempRun();
    expect((await cli(dir, [...start, "--steps", "2"])).code).toBe(0);
    const r = await cli(dir, ["train", "--out", "run", "--resume"]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/complete/);
    expect(r.err).toMatch(/--steps/);
  });
});
