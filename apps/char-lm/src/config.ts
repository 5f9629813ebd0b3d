import type { Cell } from "./model.js";

/** How training batches are cut from the corpus. */
export type Batching = "stream" | "random";

/** Everything that defines a training run; the defaults train a useful model in minutes. */
export interface TrainConfig {
  /** The model: lstm, gru, rnn or transformer. */
  cell: Cell;
  /** The embedding width of a recurrent model (a Transformer's is hiddenSize). */
  embedDim: number;
  /** The recurrent state's width, or the Transformer's model width. */
  hiddenSize: number;
  numLayers: number;
  dropout: number;
  /** Transformer: attention heads. */
  heads: number;
  /** Transformer: tie the output layer to the token embedding. */
  tieWeights: boolean;
  batchSize: number;
  seqLen: number;
  /** Optimisation steps: the run's budget unless `minutes` > 0. */
  steps: number;
  /** A time budget in minutes (0: none): the run stops there and the cosine spans it. */
  minutes: number;
  lr: number;
  /** The learning rate decays along a cosine to lr * minLrRatio by the end of the budget. */
  minLrRatio: number;
  clip: number;
  seed: number;
  valFraction: number;
  /**
   * "stream": truncated backpropagation through time over contiguous streams (the state one
   * batch ends with starts the next); "random": independent windows at random offsets, from zero state.
   */
  batching: Batching;
  /** Steps between evaluations (with a checkpoint and a sample). */
  evalEvery: number;
}

export const defaultTrainConfig: TrainConfig = {
  cell: "lstm",
  embedDim: 64,
  hiddenSize: 256,
  // NOTE: measured over 15-minute runs on the native backend (README): 1 layer without dropout
  // overfits after ~7,000 steps (validation 1.534 nats/char at the end, training ~1.19); 2 layers
  // with dropout 0.2 between them reached 1.469.
  numLayers: 2,
  dropout: 0.2,
  heads: 4,
  tieWeights: false,
  batchSize: 32,
  seqLen: 64,
  steps: 1500,
  minutes: 0,
  lr: 3e-3,
  minLrRatio: 0.1,
  clip: 5,
  seed: 1337,
  valFraction: 0.1,
  // NOTE: measured at equal steps (README): random windows ended 0.004 nats/char below contiguous
  // streams after 250 steps of the default model, on two seeds, so they stay the default.
  batching: "random",
  evalEvery: 250,
};

/**
 * What `cell: "transformer"` changes in the defaults: a width of 128 in 2 blocks of 4 heads, 0.42 M
 * parameters (the LSTM's: 0.35 M).
 * NOTE: measured over 2-minute runs on the native backend (README): 2 blocks at lr 3e-3 reached
 * 1.85 nats/char, 4 blocks at 1e-3 (nanoGPT's CPU configuration) 2.00 and at 3e-3 2.21; a
 * compute-optimal size for a 15-minute budget on this machine is about 0.5 M parameters.
 */
export const transformerDefaults: Partial<TrainConfig> = {
  hiddenSize: 128,
  numLayers: 2,
  heads: 4,
  dropout: 0,
};

/** The defaults for `cell` (the Transformer's differ), overridden by `config`. */
export function withDefaults(config: Partial<TrainConfig>): TrainConfig {
  const model = config.cell === "transformer" ? transformerDefaults : {};
  return { ...defaultTrainConfig, ...model, ...config };
}

/** A model as words: "LSTM 1 x 256" or "TRANSFORMER 4 x 128, 4 heads". */
export function modelText(c: TrainConfig): string {
  const base = `${c.cell.toUpperCase()} ${c.numLayers} x ${c.hiddenSize}`;
  return c.cell === "transformer" ? `${base}, ${c.heads} heads${c.tieWeights ? ", tied" : ""}` : base;
}

/** What a checkpoint of format 1 (before cells, streams and time budgets) trained with. */
export const formatOneDefaults: Partial<TrainConfig> = {
  cell: "lstm",
  batching: "random",
  minutes: 0,
  evalEvery: 250,
};

/** Names of the size settings, for messages: the CLI's flags or the page's fields. */
export interface SizeNames {
  batch: string;
  seq: string;
}

/**
 * Null when a corpus of `chars` characters is long enough for the configuration, else why not:
 * stream batches need batchSize streams of seqLen + 1 characters in the training part, random
 * windows one window; the validation tail needs one window of seqLen + 1.
 */
export function corpusTooSmall(
  chars: number,
  c: Pick<TrainConfig, "batchSize" | "seqLen" | "valFraction" | "batching">,
  names: SizeNames = { batch: "batch size", seq: "sequence length" },
): string | null {
  const train = Math.floor(chars * (1 - c.valFraction));
  const val = chars - train;
  const needTrain = c.batching === "stream" ? c.batchSize * (c.seqLen + 1) + 1 : c.seqLen + 2;
  const pct = (f: number) => `${Math.round(f * 100)}%`;
  const n = (v: number) => `${v.toLocaleString("en-US")} character${v === 1 ? "" : "s"}`;
  if (train < needTrain) {
    const what =
      c.batching === "stream"
        ? `${c.batchSize} streams (${names.batch}) of ${c.seqLen + 1} characters (${names.seq} + 1), ${n(needTrain)}; use a longer text or a smaller ${names.batch} or ${names.seq}`
        : `one window of ${n(c.seqLen + 2)} (${names.seq} + 2); use a longer text or a smaller ${names.seq}`;
    return `the corpus (${n(chars)}) is too small: its training part (${pct(1 - c.valFraction)}, ${n(train)}) must hold ${what}`;
  }
  if (val < c.seqLen + 1)
    return `the corpus (${n(chars)}) is too small: its validation tail (${pct(c.valFraction)}, ${n(val)}) must hold one window of ${n(c.seqLen + 1)} (${names.seq} + 1); use a longer text or a smaller ${names.seq}`;
  return null;
}
