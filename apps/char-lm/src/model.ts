import { Embedding, Linear, Module } from "@nablajs/nn";
import { GRU, LSTM, RNN } from "@nablajs/rnn";
import { type DType, type Generator, reshape, type Tensor } from "@nablajs/tensor";
import { CharGPT } from "./gpt.js";

/** The models the demo trains: three recurrent cells (a CharLM) and a Transformer (a CharGPT). */
export const CELLS = ["lstm", "gru", "rnn", "transformer"] as const;
export type Cell = (typeof CELLS)[number];
/** The recurrent cells a CharLM can use. */
export type RecurrentCell = Exclude<Cell, "transformer">;

/** The shape of a character model. */
export interface ModelConfig {
  vocabSize: number;
  /** The model: LSTM (default), GRU, a tanh Elman RNN, or a Transformer. */
  cell?: Cell;
  embedDim: number;
  hiddenSize: number;
  numLayers: number;
  dropout: number;
  /** Transformer: attention heads (default 4). */
  heads?: number;
  /** Transformer: the longest context, the position table's size (default 64). */
  maxLen?: number;
  /** Transformer: the output layer shares the token embedding's weight (default false). */
  tieWeights?: boolean;
}

/**
 * The state carried between chunks: h, and c for an LSTM (truncated backpropagation through
 * time); for a Transformer, h holds the context's token ids.
 */
export interface LmState {
  h: Tensor;
  c?: Tensor;
}

/**
 * A character-level language model: embedding [V, E] -> LSTM, GRU or RNN (E -> H, numLayers) ->
 * linear [H, V]. Maps token ids [T, B] to next-token logits [T, B, V]. The recurrent layer's
 * parameters are named after the cell (`lstm.weight_ih_l0`, `gru.weight_hh_l0`, ...).
 */
export class CharLM extends Module {
  readonly config: ModelConfig;
  readonly cell: RecurrentCell;
  readonly embed: Embedding;
  readonly rnn: LSTM | GRU | RNN;
  readonly head: Linear;

  constructor(config: ModelConfig, opts: { generator?: Generator; dtype?: DType } = {}) {
    super();
    this.config = config;
    this.cell = (config.cell ?? "lstm") as RecurrentCell;
    if (!["lstm", "gru", "rnn"].includes(this.cell))
      throw new Error(`CharLM: cell must be one of lstm, gru, rnn, got ${String(config.cell)}`);
    const { generator, dtype } = opts;
    this.embed = this.registerModule(
      "embed",
      new Embedding(config.vocabSize, config.embedDim, { generator, dtype }),
    );
    const layer = {
      inputSize: config.embedDim,
      hiddenSize: config.hiddenSize,
      numLayers: config.numLayers,
      dropout: config.dropout,
      generator,
      dtype,
    };
    const Layer = { lstm: LSTM, gru: GRU, rnn: RNN }[this.cell];
    this.rnn = this.registerModule(this.cell, new Layer(layer));
    this.head = this.registerModule(
      "head",
      new Linear(config.hiddenSize, config.vocabSize, { generator, dtype }),
    );
  }

  /** Logits [T, B, V] for token ids [T, B], and the final state to carry on. */
  forward(ids: Tensor, state?: LmState): { logits: Tensor; state: LmState } {
    const x = this.embed.forward(ids);
    const r = this.rnn.forward(x, state);
    const [t, b] = ids.shape as [number, number];
    const logits = reshape(this.head.forward(reshape(r.output, [t * b, -1])), [t, b, -1]);
    const c = (r as { c?: Tensor }).c;
    return { logits, state: c === undefined ? { h: r.h } : { h: r.h, c } };
  }
}

/** A character model: a recurrent CharLM or a CharGPT. */
export type LanguageModel = CharLM | CharGPT;

/** The model `config.cell` names: a CharGPT for "transformer", else a CharLM. */
export function createModel(
  config: ModelConfig,
  opts: { generator?: Generator; dtype?: DType } = {},
): LanguageModel {
  return config.cell === "transformer" ? new CharGPT(config, opts) : new CharLM(config, opts);
}
