/// <reference lib="webworker" />
// The training loop of the web demo, off the page's thread: the same Trainer as the CLI.
import { Generator, getBackend } from "@nablajs/tensor";
import { sample } from "../src/sample.js";
import { Trainer } from "../src/trainer.js";
import type { FromWorker, ToWorker } from "./protocol.js";

const post = (m: FromWorker) => (self as unknown as Worker).postMessage(m);
let trainer: Trainer | null = null;
let running = false;
let evalEvery = 100;
let rate = 0;

function loop(): void {
  if (!trainer || !running) return;
  const { steps, batchSize, seqLen } = trainer.config;
  const t0 = performance.now();
  // Several steps per task, then yield so pause/sample messages get through.
  while (performance.now() - t0 < 200 && trainer.step < steps) {
    const s0 = performance.now();
    const r = trainer.trainStep();
    const chars = (batchSize * seqLen) / ((performance.now() - s0) / 1000);
    rate = rate === 0 ? chars : 0.9 * rate + 0.1 * chars;
    post({ type: "step", step: r.step, steps, loss: r.loss, charsPerSec: rate });
    if (r.step % evalEvery === 0 || r.step === steps) {
      const valLoss = trainer.evaluate(5).loss;
      const text = sample(trainer.model, trainer.vocab, { length: 200, generator: new Generator(r.step) });
      post({ type: "eval", step: r.step, valLoss, sample: text });
    }
  }
  if (trainer.step >= steps) {
    running = false;
    post({ type: "done", step: trainer.step });
    return;
  }
  setTimeout(loop, 0);
}

self.onmessage = async (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  try {
    if (m.type === "start") {
      const text = await (await fetch("tinyshakespeare.txt")).text();
      trainer = new Trainer(text, m.config);
      evalEvery = m.evalEvery;
      post({
        type: "ready",
        parameters: trainer.model.numParameters(),
        vocab: trainer.vocab.size,
        backend: getBackend().name,
      });
      running = true;
      loop();
    } else if (m.type === "pause") running = false;
    else if (m.type === "resume" && trainer && !running) {
      running = true;
      loop();
    } else if (m.type === "sample" && trainer) {
      const text = sample(trainer.model, trainer.vocab, {
        prompt: m.prompt || "\n",
        temperature: m.temperature,
        length: m.length,
        generator: new Generator(trainer.step),
      });
      post({ type: "sample", text: m.prompt + text });
    }
  } catch (err) {
    post({ type: "error", message: (err as Error).message });
  }
};
