import type { TrainConfig } from "../src/config.js";

/** Messages from the page to the training worker. */
export type ToWorker =
  /** Train a new model on `text` (the shipped Shakespeare when absent). */
  | { type: "start"; config: Partial<TrainConfig>; text?: string }
  | { type: "stop" }
  | { type: "sample"; prompt: string; temperature: number; length: number; seed: number }
  /** Send the model back as a checkpoint (safetensors bytes). */
  | { type: "save" }
  /** Sample from a checkpoint written by the CLI (or saved from this page). */
  | { type: "load"; bytes: ArrayBuffer; name: string };

/** What the page shows about the model the worker holds. */
export interface ModelInfo {
  parameters: number;
  vocab: number;
  cell: string;
  backend: string;
  step: number;
}

/** Messages from the training worker to the page. */
export type FromWorker =
  | ({ type: "ready" } & ModelInfo)
  | {
      type: "step";
      step: number;
      steps: number;
      loss: number;
      charsPerSec: number;
      gradNorm: number;
      clipped: boolean;
      gradNorms: Record<string, number>;
    }
  | { type: "eval"; step: number; valLoss: number; sample: string }
  | { type: "sample"; text: string }
  | { type: "done"; step: number; stopped: boolean }
  | { type: "saved"; bytes: ArrayBuffer }
  | ({ type: "loaded"; name: string } & ModelInfo)
  /** `field`: the input the error belongs beside (an id of the page), when there is one. */
  | { type: "error"; message: string; field?: string };
