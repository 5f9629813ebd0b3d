import type { TrainConfig } from "../src/trainer.js";

/** Messages from the page to the training worker. */
export type ToWorker =
  | { type: "start"; config: Partial<TrainConfig>; evalEvery: number }
  | { type: "pause" }
  | { type: "resume" }
  | { type: "sample"; prompt: string; temperature: number; length: number };

/** Messages from the training worker to the page. */
export type FromWorker =
  | { type: "ready"; parameters: number; vocab: number; backend: string }
  | { type: "step"; step: number; steps: number; loss: number; charsPerSec: number }
  | { type: "eval"; step: number; valLoss: number; sample: string }
  | { type: "sample"; text: string }
  | { type: "done"; step: number }
  | { type: "error"; message: string };
