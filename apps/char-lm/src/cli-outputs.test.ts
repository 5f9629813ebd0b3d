import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, TINY, tempRun } from "./cli-harness.js";
import type { EvalRecord, StepRecord } from "./report.js";

const start = ["train", "--data", "text.txt", "--out", "run", ...TINY];
const records = (dir: string) =>
  readFileSync(join(dir, "run/metrics.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as StepRecord | EvalRecord);

describe("char-lm outputs", () => {
  it("writes metrics.jsonl: every step's loss, lr, gradient norms before clipping, clipping, speed and backend", async () => {
    const dir = tempRun();
    expect((await cli(dir, [...start, "--steps", "6", "--eval-every", "3", "--clip", "0.5"])).code).toBe(0);
    const all = records(dir);
    const steps = all.filter((r): r is StepRecord => r.kind === "train");
    expect(steps.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6]);
    const names = [
      "embed.weight",
      "lstm.weight_ih_l0",
      "lstm.weight_hh_l0",
      "lstm.bias_ih_l0",
      "lstm.bias_hh_l0",
      "lstm.weight_ih_l1",
      "lstm.weight_hh_l1",
      "lstm.bias_ih_l1",
      "lstm.bias_hh_l1",
      "head.weight",
      "head.bias",
    ];
    for (const r of steps) {
      expect(Object.keys(r.gradNorms)).toEqual(names);
      // the global norm is the norm of the per-tensor norms, and clipping happens exactly above the threshold
      const sq = Object.values(r.gradNorms).reduce((s, n) => s + n * n, 0);
      expect(r.gradNorm).toBeCloseTo(Math.sqrt(sq), 6);
      expect(r.clipped).toBe(r.gradNorm > 0.5);
      expect(r.lr).toBeGreaterThan(0);
      expect(r.charsPerSec).toBeGreaterThan(0);
      expect(typeof r.backend).toBe("string");
      expect(Number.isFinite(r.loss)).toBe(true);
    }
    expect(steps[0]!.lr).toBeCloseTo(0.003, 9); // the cosine starts at the peak
    expect(steps.at(-1)!.lr).toBeLessThan(steps[0]!.lr);
    expect(all.filter((r) => r.kind === "eval").map((r) => r.step)).toEqual([3, 6]);
    const report = readFileSync(join(dir, "run/report.html"), "utf8");
    for (const title of [
      "Loss",
      "Gradient norm before clipping",
      "Fraction of steps clipped",
      "Gradient norm of each parameter tensor",
    ])
      expect(report).toContain(`<title>${title}</title>`);
    expect(report).toContain("lstm.weight_hh_l0");
  });

  it("eval --json prints exactly one JSON object", async () => {
    const dir = tempRun();
    expect((await cli(dir, [...start, "--steps", "3"])).code).toBe(0);
    const r = await cli(dir, ["eval", "--out", "run", "--json", "--batches", "4"]);
    expect(r.err).toBe("");
    const lines = r.out.trim().split("\n");
    expect(lines.length).toBe(1);
    const result = JSON.parse(lines[0]!);
    expect(Object.keys(result).sort()).toEqual(["bitsPerChar", "chars", "perplexity", "valLoss"]);
    expect(result.bitsPerChar).toBeCloseTo(result.valLoss / Math.LN2, 12);
    expect(result.perplexity).toBeCloseTo(Math.exp(result.valLoss), 10);
    expect(result.chars).toBe(4 * 4 * 16); // 4 batches of 4 streams x 16 characters
  });

  it("train --minutes stops when the time is spent, with the cosine spanning the budget", async () => {
    const dir = tempRun();
    let t = 0;
    const now = () => (t += 0.25); // each reading of the clock moves a quarter second on
    const r = await cli(dir, [...start, "--minutes", "0.1", "--eval-every", "1000"], { now });
    expect([r.code, r.err]).toEqual([0, ""]);
    const steps = records(dir).filter((x): x is StepRecord => x.kind === "train");
    expect(steps.length).toBeGreaterThan(3);
    expect(steps.at(-1)!.elapsed).toBeLessThanOrEqual(6);
    // lr = lr_min + (lr_0 - lr_min) (1 + cos(pi e / E)) / 2 at the time e the clock read before the
    // step: after the previous step's recorded time, before this step's
    const [lr0, lrMin, E] = [0.003, 0.0003, 6];
    const cosine = (e: number) => lrMin + ((lr0 - lrMin) * (1 + Math.cos((Math.PI * e) / E))) / 2;
    steps.forEach((s, i) => {
      expect(s.lr).toBeLessThanOrEqual(cosine(i === 0 ? 0 : steps[i - 1]!.elapsed) + 1e-12);
      expect(s.lr).toBeGreaterThanOrEqual(cosine(s.elapsed) - 1e-12);
    });
    expect(steps.at(-1)!.lr).toBeLessThan(0.3 * lr0);
    expect(r.out).toMatch(/0\.1 minutes/);
  });
});
