import { Embedding, Linear, Module } from "@nablajs/nn";
import { LSTM } from "@nablajs/rnn";
import { type DType, type Generator, reshape, type Tensor } from "@nablajs/tensor";

/** The shape of a character model. */
export interface ModelConfig {
  vocabSize: number;
  embedDim: number;
  hiddenSize: number;
  numLayers: number;
  dropout: number;
}

export const defaultModel: Omit<ModelConfig, "vocabSize"> = {
  embedDim: 64,
  hiddenSize: 256,
  numLayers: 1,
  dropout: 0,
};

/** The recurrent state carried between chunks (truncated backpropagation through time). */
export interface LmState {
  h: Tensor;
  c: Tensor;
}

/**
 * A character-level language model: embedding [V, E] -> LSTM (E -> H, numLayers) -> linear
 * [H, V]. Maps token ids [T, B] to next-token logits [T, B, V].
 */
export class CharLM extends Module {
  readonly config: ModelConfig;
  readonly embed: Embedding;
  readonly lstm: LSTM;
  readonly head: Linear;

  constructor(config: ModelConfig, opts: { generator?: Generator; dtype?: DType } = {}) {
    super();
    this.config = config;
    const { generator, dtype } = opts;
    this.embed = this.registerModule(
      "embed",
      new Embedding(config.vocabSize, config.embedDim, { generator, dtype }),
    );
    this.lstm = this.registerModule(
      "lstm",
      new LSTM({
        inputSize: config.embedDim,
        hiddenSize: config.hiddenSize,
        numLayers: config.numLayers,
        dropout: config.dropout,
        generator,
        dtype,
      }),
    );
    this.head = this.registerModule(
      "head",
      new Linear(config.hiddenSize, config.vocabSize, { generator, dtype }),
    );
  }

  /** Logits [T, B, V] for token ids [T, B], and the final state to carry on. */
  forward(ids: Tensor, state?: LmState): { logits: Tensor; state: LmState } {
    const x = this.embed.forward(ids);
    const { output, h, c } = this.lstm.forward(x, state);
    const [t, b] = ids.shape as [number, number];
    const logits = reshape(this.head.forward(reshape(output, [t * b, -1])), [t, b, -1]);
    return { logits, state: { h, c } };
  }
}
