import { readFileSync } from "node:fs";
import { loadSafetensors, saveSafetensors } from "@nablajs/nn";
import { Generator } from "@nablajs/tensor";
import { describe, expect, it } from "vitest";
import { loadTrainer, saveTrainer } from "./checkpoint.js";
import { defaultCorpus } from "./files.js";
import { sample } from "./sample.js";
import { Trainer } from "./trainer.js";

const text = readFileSync(defaultCorpus, "utf8").slice(0, 30_000);
const tiny = { embedDim: 8, hiddenSize: 24, batchSize: 8, seqLen: 16, steps: 60, lr: 1e-2 };

describe("Trainer", () => {
  it("lowers the loss on Shakespeare", () => {
    const t = new Trainer(text, tiny);
    const first = t.evaluate(4).loss;
    for (let i = 0; i < 60; i++) t.trainStep();
    const last = t.evaluate(4).loss;
    expect(first).toBeGreaterThan(Math.log(t.vocab.size) - 0.5); // starts near uniform
    expect(last).toBeLessThan(first - 0.5);
  });

  it.each([
    ["one layer", tiny],
    ["two layers with dropout between them", { ...tiny, numLayers: 2, dropout: 0.3 }],
    [
      "contiguous streams (truncated BPTT, the carried state saved)",
      { ...tiny, batching: "stream" as const },
    ],
    ["a GRU", { ...tiny, cell: "gru" as const }],
    ["an RNN", { ...tiny, cell: "rnn" as const }],
  ])("resumes from a checkpoint to the same numbers, bit for bit (%s)", (_, config) => {
    const a = new Trainer(text, config);
    for (let i = 0; i < 5; i++) a.trainStep();
    const ckpt = saveTrainer(a);
    const bytes = saveSafetensors(ckpt.tensors, ckpt.metadata);
    const continued = Array.from({ length: 5 }, () => a.trainStep().loss);
    const restored = loadTrainer(text, loadSafetensors(bytes));
    expect(restored.step).toBe(5);
    const resumed = Array.from({ length: 5 }, () => restored.trainStep().loss);
    expect(resumed).toEqual(continued);
  });

  it.each(["gru", "rnn"] as const)("trains a %s language model too", (cell) => {
    const t = new Trainer(text, { ...tiny, cell });
    expect(Object.keys(t.model.stateDict())).toContain(`${cell}.weight_hh_l0`);
    const first = t.evaluate(4).loss;
    for (let i = 0; i < 60; i++) t.trainStep();
    expect(t.evaluate(4).loss).toBeLessThan(first - 0.3);
  });

  it("stops before the update that would diverge, leaving the weights as they were", () => {
    const t = new Trainer(text, { ...tiny, lr: 1e-2 });
    t.trainStep();
    const before = t.model.stateDict();
    const snapshot = Object.fromEntries(Object.entries(before).map(([k, v]) => [k, v.toArray()]));
    t.recent = Array(9).fill(100); // as if the last steps had blown up
    expect(() => t.trainStep()).toThrow(/diverged at step 2/);
    expect(t.step).toBe(1);
    for (const [k, v] of Object.entries(t.model.stateDict())) expect(v.toArray(), k).toEqual(snapshot[k]);
  });

  it("gives the same run from the same seed", () => {
    const run = () => {
      const t = new Trainer(text, { ...tiny, seed: 7 });
      return [t.trainStep().loss, t.trainStep().loss];
    };
    expect(run()).toEqual(run());
  });

  it("samples text from the vocabulary, reproducibly", () => {
    const t = new Trainer(text, tiny);
    const s1 = sample(t.model, t.vocab, { prompt: "ROMEO:", length: 50, generator: new Generator(3) });
    const s2 = sample(t.model, t.vocab, { prompt: "ROMEO:", length: 50, generator: new Generator(3) });
    expect(s1).toBe(s2);
    expect(s1.length).toBe(50);
    expect([...s1].every((c) => t.vocab.chars.includes(c))).toBe(true);
    expect(() => sample(t.model, t.vocab, { temperature: 0 })).toThrow(/temperature/);
    expect(() => loadTrainer(text, { tensors: {}, metadata: {} })).toThrow(/not a nabla char-lm checkpoint/);
  });
});
