import type { Tensor } from "@nablajs/tensor";
import type { RNNNonlinearity } from "../fused/rnn-kernel.js";
import type { RecurrentForwardOptions, RecurrentLayerOptions } from "./options.js";
import { RecurrentLayer } from "./recurrent.js";

/** Options of the Elman RNN layer: those of every layer and the nonlinearity. */
export interface RNNOptions extends RecurrentLayerOptions {
  /** tanh (default) or relu. */
  nonlinearity?: RNNNonlinearity;
}

/**
 * A multi-layer Elman RNN, as torch.nn.RNN. For each layer and each time step t:
 *
 *   h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh),   act = tanh or relu
 *
 * Shapes (T steps, B batch, D = 2 if bidirectional else 1, L = numLayers, H = hiddenSize):
 * x [T, B, inputSize] ([B, T, inputSize] with batchFirst); h0, h [L D, B, H];
 * output [T, B, D H] (or [B, T, D H]). Parameters weight_ih_l{k}[_reverse] [H, I_k],
 * weight_hh_l{k} [H, H], bias_ih_l{k} and bias_hh_l{k} [H], all ~ U(-1/sqrt(H), 1/sqrt(H)).
 * Elman, "Finding structure in time" (1990), https://doi.org/10.1207/s15516709cog1402_1
 */
export class RNN extends RecurrentLayer {
  readonly nonlinearity: RNNNonlinearity;

  constructor(opts: RNNOptions) {
    const act = opts?.nonlinearity ?? "tanh";
    if (act !== "tanh" && act !== "relu")
      throw new Error(`RNN: nonlinearity must be 'tanh' or 'relu', got ${String(act)}`);
    super("RNN", act === "relu" ? "RNN_RELU" : "RNN_TANH", opts);
    this.nonlinearity = act;
  }

  /** Runs the sequence; `state` = { h } (zeros when omitted). */
  forward(
    x: Tensor,
    state?: { h?: Tensor },
    opts: RecurrentForwardOptions = {},
  ): { output: Tensor; h: Tensor } {
    const r = this.run(x, state, opts);
    return { output: r.output, h: r.h };
  }

  protected override extraRepr(): string {
    return `${super.extraRepr()}, nonlinearity=${this.nonlinearity}`;
  }
}
