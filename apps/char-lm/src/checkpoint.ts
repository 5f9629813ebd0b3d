import type { Tensor } from "@nablajs/tensor";
import { defaultTrainConfig, formatOneDefaults, type TrainConfig } from "./config.js";
import { Vocab } from "./corpus.js";
import { createModel, type LanguageModel } from "./model.js";
import { packState, unpackState } from "./state-pack.js";
import { modelConfigOf, Trainer } from "./trainer.js";

/** A checkpoint: every tensor (weights, optimizer state, carried state) plus JSON metadata. */
export interface Checkpoint {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

const FORMAT = "nabla-char-lm/2";

/**
 * Everything needed to resume exactly: weights, optimizer and schedule state, the data position
 * (generators, stream cursor and the carried state), the loss history, and `run`: what the
 * caller wants kept beside it (the CLI's corpus path, say).
 */
export function saveTrainer(t: Trainer, run: Record<string, unknown> = {}): Checkpoint {
  const optim = packState(t.optimizer.stateDict(), "optim");
  const tensors: Record<string, Tensor> = { ...optim.tensors };
  for (const [k, v] of Object.entries(t.model.stateDict())) tensors[`model.${k}`] = v;
  if (t.carry !== undefined) {
    tensors["carry.h"] = t.carry.h;
    if (t.carry.c !== undefined) tensors["carry.c"] = t.carry.c;
  }
  const meta = {
    config: t.config,
    vocab: t.vocab.chars.join(""),
    step: t.step,
    elapsed: t.elapsed,
    schedule: t.schedule.stateDict(),
    batchRng: t.batchRng.getState(),
    modelRng: t.modelRng.getState(),
    stream: t.stream?.position ?? null,
    recent: t.recent,
    history: t.history,
    valHistory: t.valHistory,
  };
  const metadata = {
    format: FORMAT,
    state: JSON.stringify(packState(meta, "meta").json),
    optim: JSON.stringify(optim.json),
    run: JSON.stringify(run),
  };
  return { tensors, metadata };
}

/** What a checkpoint says about its run, read without the corpus. */
export interface CheckpointInfo {
  config: TrainConfig;
  vocab: Vocab;
  step: number;
  elapsed: number;
  valHistory: { step: number; loss: number }[];
  run: Record<string, unknown>;
  meta: any;
}

/** Reads a checkpoint's metadata (format 1 or 2); throws unless it is a char-lm checkpoint. */
export function readCheckpoint(ckpt: Checkpoint): CheckpointInfo {
  const { format, state, optim } = ckpt.metadata;
  const known = format === FORMAT || format === "nabla-char-lm/1";
  if (!known || typeof state !== "string" || typeof optim !== "string") {
    throw new Error(`checkpoint: not a nabla char-lm checkpoint (format ${format})`);
  }
  const meta = unpackState(JSON.parse(state), {}) as any;
  const old = format === "nabla-char-lm/1" ? formatOneDefaults : {};
  const config: TrainConfig = { ...defaultTrainConfig, ...old, ...meta.config };
  return {
    config,
    vocab: new Vocab([...meta.vocab]),
    step: meta.step,
    elapsed: meta.elapsed ?? 0,
    valHistory: meta.valHistory ?? [],
    run: ckpt.metadata.run ? JSON.parse(ckpt.metadata.run) : {},
    meta,
  };
}

/** The trained model of a checkpoint, for sampling: no corpus needed (the vocabulary is inside). */
export function loadModel(ckpt: Checkpoint): { model: LanguageModel; info: CheckpointInfo } {
  const info = readCheckpoint(ckpt);
  const model = createModel(modelConfigOf(info.config, info.vocab.size));
  model.loadStateDict(modelWeights(ckpt));
  return { model: model.eval(), info };
}

function modelWeights(ckpt: Checkpoint): Record<string, Tensor> {
  const weights: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(ckpt.tensors)) if (k.startsWith("model.")) weights[k.slice(6)] = v;
  return weights;
}

/** Rebuilds a trainer from a checkpoint and the same text; training continues where it stopped. */
export function loadTrainer(text: string, ckpt: Checkpoint): Trainer {
  const info = readCheckpoint(ckpt);
  const { meta } = info;
  const trainer = new Trainer(text, info.config, info.vocab);
  trainer.model.loadStateDict(modelWeights(ckpt));
  trainer.optimizer.loadStateDict(unpackState(JSON.parse(ckpt.metadata.optim!), ckpt.tensors) as any);
  trainer.batchRng.setState(meta.batchRng);
  trainer.modelRng.setState(meta.modelRng);
  trainer.step = meta.step;
  trainer.elapsed = info.elapsed;
  trainer.setBudget(info.config);
  trainer.schedule.loadStateDict(meta.schedule);
  if (trainer.stream !== null && meta.stream) trainer.stream.position = meta.stream;
  const h = ckpt.tensors["carry.h"];
  const c = ckpt.tensors["carry.c"];
  if (h !== undefined) trainer.carry = c === undefined ? { h } : { h, c };
  trainer.recent = meta.recent ?? [];
  // A loop, not push(...history): a spread of a long run's history overflows the stack.
  for (const h of meta.history) trainer.history.push(h);
  for (const v of info.valHistory) trainer.valHistory.push(v);
  return trainer;
}
