import { describe, expect, it } from "vitest";
import { cli, TINY, tempRun } from "./cli-harness.js";

// No letter of "ROMEO:" and characters outside the Basic Multilingual Plane (two UTF-16 units).
const text = "héllo wörld 😀 naïve cafe 🎉 bee tea\nzig zag 𝄞 yak\n".repeat(120);

describe("char-lm on any text", () => {
  it("trains, samples and evaluates a corpus with astral characters and none of ROMEO:", async () => {
    const dir = tempRun(text);
    const t = await cli(dir, ["train", "--data", "text.txt", "--out", "run", ...TINY, "--steps", "4"]);
    expect(t.err).toBe("");
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/vocabulary 2\d\b/);
    const s = await cli(dir, ["sample", "--out", "run", "--length", "200", "--seed", "3"]);
    expect([s.code, s.err]).toEqual([0, ""]);
    const vocab = new Set(text);
    expect([...s.out.trimEnd()].every((c) => vocab.has(c))).toBe(true);
    const e = await cli(dir, ["eval", "--out", "run"]);
    expect([e.code, e.err]).toEqual([0, ""]);
    expect(e.out).toMatch(/validation loss \d/);
  });

  it("names a prompt character that the model's vocabulary lacks", async () => {
    const dir = tempRun(text);
    expect(
      (await cli(dir, ["train", "--data", "text.txt", "--out", "run", ...TINY, "--steps", "2"])).code,
    ).toBe(0);
    const s = await cli(dir, ["sample", "--out", "run", "--prompt", "ROMEO:"]);
    expect(s.code).not.toBe(0);
    expect(s.err).toMatch(/"R"/);
    expect(s.err).toMatch(/vocabulary/);
  });
});
