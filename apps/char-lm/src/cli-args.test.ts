import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, TINY, tempRun } from "./cli-harness.js";

describe("char-lm arguments", () => {
  it.each([
    [["train", "--steps", "0"], /--steps must be an integer >= 1.*got 0/],
    [["train", "--steps", "-5"], /--steps must be an integer >= 1.*got -5/],
    [["train", "--batch=-4"], /--batch must be an integer >= 1.*got -4/],
    [["train", "--lr", "abc"], /--lr must be a number/],
    [["train", "--lr", "-1"], /--lr must be a number > 0.*got -1/],
    [["train", "--dropout", "1"], /--dropout must be a number >= 0 and < 1, got 1/],
    [["train", "--hidden", "2.5"], /--hidden must be an integer/],
    [["train", "--lr"], /--lr needs a value/],
    [["train", "--stepz", "3"], /unknown option --stepz \(did you mean --steps\?\)$/m],
    [["train", "--modle", "gru"], /unknown option --modle \(did you mean --model\?\)$/m],
    [["train", "--colour", "red"], /unknown option --colour\n/],
    [["sample", "--steps", "3"], /sample: unknown option --steps/],
    [["sample", "--top-k", "-3"], /--top-k must be an integer >= 0.*got -3/],
    [["sample", "--length=-5"], /--length must be an integer >= 1.*got -5/],
    [["sample", "--temperature", "0"], /--temperature must be a number > 0/],
    [["eval", "--batches", "0"], /--batches must be an integer >= 1.*got 0/],
    [["train", "--backend", "cuda"], /--backend must be one of native, wasm, js/],
    [["fly"], /unknown command 'fly'/],
  ])("rejects %j with a clear message and writes nothing", async (argv, message) => {
    const dir = tempRun();
    const data = argv[0] === "train" ? ["--data", "text.txt"] : [];
    const r = await cli(dir, [...argv, ...data, "--out", "run"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.out).toBe("");
    expect(existsSync(join(dir, "run"))).toBe(false);
  });

  it("trains on a 2,000-character corpus with a finite validation loss, and says when a corpus is too small", async () => {
    const dir = tempRun("to be or not to be, that is the question\n".repeat(50));
    const ok = await cli(dir, [
      "train",
      "--data",
      "text.txt",
      "--out",
      "run",
      "--embed",
      "8",
      "--hidden",
      "16",
      "--steps",
      "2",
    ]);
    expect([ok.code, ok.err]).toEqual([0, ""]);
    expect(ok.out).toMatch(/validation loss \d+\.\d+ nats\/char/);
    expect(ok.out).not.toMatch(/NaN/);
    const streams = await cli(dir, ["train", "--data", "text.txt", "--out", "run2", "--batching", "stream"]);
    expect(streams.code).toBe(1);
    expect(streams.err).toMatch(/too small.*32 streams \(--batch\) of 65 characters \(--seq \+ 1\)/);
    const tiny = tempRun("to be or not\n".repeat(5));
    const r = await cli(tiny, ["train", "--data", "text.txt", "--out", "run"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /too small: its training part \(90%, 58 characters\) must hold one window of 66 characters \(--seq \+ 2\); use a longer text or a smaller --seq\n/,
    );
    expect(r.err).not.toMatch(/NaN/);
  });

  it("stops a diverging run and says so", async () => {
    const dir = tempRun();
    const r = await cli(dir, [
      "train",
      "--data",
      "text.txt",
      "--out",
      "run",
      ...TINY,
      "--steps",
      "40",
      "--lr",
      "50",
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/diverged at step \d+/);
    expect(r.err).toMatch(/--lr/);
  });

  it("prints its version", async () => {
    const r = await cli(tempRun(), ["--version"]);
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, "../package.json"), "utf8"));
    expect([r.code, r.out.trim()]).toEqual([0, `char-lm ${version}`]);
  });
});
