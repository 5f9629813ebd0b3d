// The char-GPT: it learns, resumes bit for bit, samples with a sliding context that gives the
// same logits as the whole sequence, ties its output layer to the token embedding on request,
// and the command line checks the flags that belong to one kind of model.
import { readFileSync } from "node:fs";
import { loadSafetensors, saveSafetensors } from "@nablajs/nn";
import { Generator, noGrad, randint } from "@nablajs/tensor";
import { assertAllClose } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { loadModel, loadTrainer, saveTrainer } from "./checkpoint.js";
import { cli, tempRun } from "./cli-harness.js";
import { defaultCorpus } from "./files.js";
import { CharGPT } from "./gpt.js";
import { sample } from "./sample.js";
import { Trainer } from "./trainer.js";

const text = readFileSync(defaultCorpus, "utf8").slice(0, 30_000);
const tiny = {
  cell: "transformer" as const,
  hiddenSize: 16,
  numLayers: 2,
  heads: 2,
  batchSize: 8,
  seqLen: 16,
  steps: 60,
  lr: 1e-2,
};

describe("CharGPT", () => {
  it("lowers the loss on Shakespeare", () => {
    const t = new Trainer(text, tiny);
    expect(t.model).toBeInstanceOf(CharGPT);
    const first = t.evaluate(4).loss;
    for (let i = 0; i < 60; i++) t.trainStep();
    expect(t.evaluate(4).loss).toBeLessThan(first - 0.5);
  });

  it("names its blocks as torch.nn.TransformerEncoder, and ties the head on request", () => {
    const t = new Trainer(text, { ...tiny, tieWeights: true });
    const m = t.model as CharGPT;
    const keys = Object.keys(m.stateDict());
    expect(keys).toContain("blocks.layers.1.self_attn.in_proj_weight");
    expect(keys).toContain("blocks.norm.weight");
    expect(m.head.weight).toBe(m.embed.weight);
    const untied = new Trainer(text, tiny).model;
    expect(untied.numParameters() - m.numParameters()).toBe(m.embed.weight.size);
  });

  it("resumes from a checkpoint to the same numbers, bit for bit, and loads for sampling", () => {
    const a = new Trainer(text, { ...tiny, tieWeights: true });
    for (let i = 0; i < 3; i++) a.trainStep();
    const ckpt = loadSafetensors(((c) => saveSafetensors(c.tensors, c.metadata))(saveTrainer(a)));
    const continued = Array.from({ length: 3 }, () => a.trainStep().loss);
    const restored = loadTrainer(text, ckpt);
    expect(Array.from({ length: 3 }, () => restored.trainStep().loss)).toEqual(continued);
    const { model } = loadModel(ckpt);
    expect(model).toBeInstanceOf(CharGPT);
    expect((model as CharGPT).head.weight).toBe((model as CharGPT).embed.weight);
  });

  it("reads a context through its state: the logits of the last id equal those of the whole window", () => {
    const m = new CharGPT(
      { vocabSize: 11, embedDim: 0, hiddenSize: 8, numLayers: 2, dropout: 0, heads: 2, maxLen: 6 },
      { generator: new Generator(1) },
    );
    m.eval();
    const ids = randint(0, 11, [9, 2], { generator: new Generator(2) });
    noGrad(() => {
      // Fed one id at a time, the state holds the last maxLen - 1 = 5 ids.
      let state: { h: typeof ids } | undefined;
      let last = m.forward(ids.narrow(0, 0, 1)).logits;
      for (let t = 0; t < 9; t++) ({ logits: last, state } = m.forward(ids.narrow(0, t, 1), state));
      const window = m.forward(ids.narrow(0, 3, 6)).logits.narrow(0, 5, 1);
      assertAllClose(last, window, { rtol: 1e-5, atol: 1e-6 });
      expect(state!.h.shape).toEqual([5, 2]);
    });
    expect(() => m.forward(randint(0, 11, [7, 1]))).toThrow(/7 characters exceed the context of 6/);
  });

  it("samples reproducibly", () => {
    const t = new Trainer(text, tiny);
    const s = (seed: number) =>
      sample(t.model, t.vocab, { prompt: "ROMEO:", length: 40, generator: new Generator(seed) });
    expect(s(3)).toBe(s(3));
    expect([...s(3)].length).toBe(40);
  });

  it("refuses streams: a Transformer carries no state", () => {
    expect(() => new Trainer(text, { ...tiny, batching: "stream" })).toThrow(/random windows/);
  });
});

describe("char-lm train --model transformer", () => {
  it("trains, names the model, and refuses flags of the other kind", async () => {
    const dir = tempRun();
    const args = [
      "--data",
      "text.txt",
      "--out",
      "run",
      "--model",
      "transformer",
      "--hidden",
      "16",
      "--layers",
      "1",
    ];
    const ok = await cli(dir, [
      "train",
      ...args,
      "--heads",
      "2",
      "--tie",
      "--batch",
      "4",
      "--seq",
      "16",
      "--steps",
      "2",
    ]);
    expect([ok.code, ok.err]).toEqual([0, ""]);
    expect(ok.out).toMatch(/TRANSFORMER 1 x 16, 2 heads, tied/);
    for (const [extra, message] of [
      [["--embed", "8"], /--embed sets a recurrent model's embedding/],
      [["--batching", "stream"], /a Transformer carries no state between windows/],
      [["--heads", "3"], /--hidden 16 must be divisible by --heads 3/],
    ] as const) {
      const r = await cli(dir, ["train", ...args, ...extra, "--force"]);
      expect([r.code, r.err]).toEqual([2, expect.stringMatching(message)]);
    }
    const lstm = await cli(dir, ["train", "--data", "text.txt", "--out", "other", "--heads", "2"]);
    expect([lstm.code, lstm.err]).toEqual([
      2,
      expect.stringMatching(/--heads applies to --model transformer only/),
    ]);
  });
});
