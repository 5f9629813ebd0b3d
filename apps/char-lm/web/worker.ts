/// <reference lib="webworker" />
// The web demo's training loop, off the page's thread: the same Trainer as the CLI.
import { loadSafetensors, saveSafetensors } from "@nablajs/nn";
import { Generator, getBackend } from "@nablajs/tensor";
import { loadModel, saveTrainer } from "../src/checkpoint.js";
import type { Vocab } from "../src/corpus.js";
import { DivergenceError } from "../src/health.js";
import type { LanguageModel } from "../src/model.js";
import { sample } from "../src/sample.js";
import { Trainer } from "../src/trainer.js";
import type { FromWorker, ModelInfo, ToWorker } from "./protocol.js";

const post = (m: FromWorker, transfer: Transferable[] = []) =>
  (self as unknown as Worker).postMessage(m, transfer);
let trainer: Trainer | null = null;
/** The model that samples: the trainer's, or one loaded from a checkpoint. */
let current: { model: LanguageModel; vocab: Vocab } | null = null;
let running = false;
let rate = 0;

const info = (model: LanguageModel, vocab: Vocab, step: number): ModelInfo => ({
  parameters: model.numParameters(),
  vocab: vocab.size,
  cell: model.cell,
  backend: getBackend().name,
  step,
});

/** Shows an error on the page, beside the field it belongs to when there is one. */
function report(err: Error & { field?: string }): void {
  running = false;
  const diverged = err instanceof DivergenceError;
  const field = err.field ?? (diverged ? "lr" : err.message.includes("corpus") ? "text" : undefined);
  post({
    type: "error",
    message: diverged ? `${err.message}; try a smaller learning rate` : err.message,
    field,
  });
}

function loop(): void {
  try {
    steps();
  } catch (e) {
    report(e as Error);
  }
}

function steps(): void {
  if (!trainer || !running) return;
  const { steps, batchSize, seqLen, evalEvery } = trainer.config;
  const t0 = performance.now();
  // Several steps per task, then yield so stop/sample messages get through.
  while (running && performance.now() - t0 < 150 && !trainer.done()) {
    const s0 = performance.now();
    const r = trainer.trainStep();
    const chars = (batchSize * seqLen) / ((performance.now() - s0) / 1000);
    rate = rate === 0 ? chars : 0.9 * rate + 0.1 * chars;
    const { step, loss, gradNorm, clipped, gradNorms } = r;
    post({ type: "step", step, steps, loss, charsPerSec: rate, gradNorm, clipped, gradNorms });
    if (step % evalEvery === 0 || trainer.done()) {
      const valLoss = trainer.evaluate(5).loss;
      const text = sample(trainer.model, trainer.vocab, { length: 200, generator: new Generator(step) });
      post({ type: "eval", step, valLoss, sample: text });
    }
  }
  if (trainer.done()) {
    running = false;
    post({ type: "done", step: trainer.step, stopped: false });
    return;
  }
  setTimeout(loop, 0);
}

async function handle(m: ToWorker): Promise<void> {
  if (m.type === "start") {
    const text = m.text ?? (await (await fetch("tinyshakespeare.txt")).text());
    trainer = new Trainer(text, m.config);
    current = { model: trainer.model, vocab: trainer.vocab };
    rate = 0;
    post({ type: "ready", ...info(trainer.model, trainer.vocab, 0) });
    running = true;
    loop();
  } else if (m.type === "stop") {
    if (!running || !trainer) return;
    running = false;
    if (trainer.step > 0) {
      const valLoss = trainer.evaluate(5).loss;
      const text = sample(trainer.model, trainer.vocab, {
        length: 200,
        generator: new Generator(trainer.step),
      });
      post({ type: "eval", step: trainer.step, valLoss, sample: text });
    }
    post({ type: "done", step: trainer.step, stopped: true });
  } else if (m.type === "sample") {
    if (!current) throw Object.assign(new Error("train or load a model first"), { field: "generate" });
    const missing = current.vocab.missing(m.prompt);
    if (missing.length > 0)
      throw Object.assign(
        new Error(`the model does not know ${missing.map((c) => JSON.stringify(c)).join(", ")}`),
        { field: "prompt" },
      );
    const text = sample(current.model, current.vocab, {
      prompt: m.prompt || "\n",
      temperature: m.temperature,
      length: m.length,
      generator: new Generator(m.seed),
    });
    post({ type: "sample", text: m.prompt + text });
  } else if (m.type === "save") {
    if (!trainer) throw Object.assign(new Error("train a model first"), { field: "save" });
    const ckpt = saveTrainer(trainer, { corpus: "web page" });
    const bytes = saveSafetensors(ckpt.tensors, ckpt.metadata);
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    post({ type: "saved", bytes: buffer }, [buffer]);
  } else if (m.type === "load") {
    let loaded: ReturnType<typeof loadModel>;
    try {
      loaded = loadModel(loadSafetensors(new Uint8Array(m.bytes)));
    } catch (e) {
      throw Object.assign(new Error(`${m.name} is not a char-lm checkpoint: ${(e as Error).message}`), {
        field: "load",
      });
    }
    running = false;
    current = { model: loaded.model, vocab: loaded.info.vocab };
    post({ type: "loaded", name: m.name, ...info(loaded.model, loaded.info.vocab, loaded.info.step) });
  }
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  handle(e.data).catch(report);
};
