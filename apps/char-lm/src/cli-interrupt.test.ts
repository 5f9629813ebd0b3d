import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadSafetensorsFile } from "@nablajs/nn/node";
import { describe, expect, it } from "vitest";
import { cli, TINY, tempRun } from "./cli-harness.js";

describe("char-lm train, interrupted (Ctrl-C)", () => {
  it("finishes the step, saves a checkpoint, clears the bar, says how to resume and returns 130", async () => {
    const dir = tempRun();
    const ctrlC = new AbortController();
    const writes: string[] = [];
    const r = await cli(dir, ["train", "--data", "text.txt", "--out", "run", ...TINY, "--steps", "500"], {
      tty: true,
      trapInterrupt: () => ctrlC.signal,
      stdout: {
        isTTY: true,
        columns: 120,
        write(s: string) {
          writes.push(s);
          if (/\b3\/500\b/.test(s)) ctrlC.abort();
        },
      },
    });
    expect(r.code).toBe(130);
    const all = writes.join("");
    expect(all).toMatch(/interrupted at step 3/);
    expect(all).toMatch(/--resume/);
    // the last redraw of the bar is erased before the message
    const bar = writes.map((w, i) => [w, i] as const).filter(([w]) => w.includes("█") || w.includes("░"));
    const cleared = writes.findIndex((w, i) => i > bar.at(-1)![1] && w.startsWith("\r\x1b[2K"));
    expect(cleared).toBeGreaterThan(-1);
    const ckpt = await loadSafetensorsFile(join(dir, "run/checkpoint.safetensors"));
    expect(JSON.parse(ckpt.metadata.state!).step).toBe(3);
    expect(existsSync(join(dir, "run/metrics.jsonl"))).toBe(true);
    expect(
      readFileSync(join(dir, "run/metrics.jsonl"), "utf8").trim().split("\n").length,
    ).toBeGreaterThanOrEqual(3);
    const resumed = await cli(dir, ["train", "--out", "run", "--resume", "--steps", "5"]);
    expect([resumed.code, resumed.err]).toEqual([0, ""]);
    expect(resumed.out).toMatch(/resuming at step 3/);
  });
});
