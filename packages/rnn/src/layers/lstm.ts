import type { Tensor } from "@nablajs/tensor";
import type { RecurrentForwardOptions, RecurrentLayerOptions } from "./options.js";
import { RecurrentLayer } from "./recurrent.js";

/**
 * A multi-layer long short-term memory RNN, as torch.nn.LSTM. For each layer and each time step t:
 *
 *   i_t = σ(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)
 *   f_t = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf)
 *   g_t = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)
 *   o_t = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho)
 *   c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
 *   h_t = o_t ⊙ tanh(c_t)
 *
 * Layer k > 0 reads layer k-1's output (with dropout in training mode when `dropout` > 0).
 * Shapes (T steps, B batch, D = 2 if bidirectional else 1, L = numLayers, H = hiddenSize):
 * x [T, B, inputSize] ([B, T, inputSize] with batchFirst); h0, c0, h, c [L D, B, H];
 * output [T, B, D H] (or [B, T, D H]), the last layer's h_t for every t.
 * Parameters weight_ih_l{k}[_reverse] [4H, I_k] = [W_ii; W_if; W_ig; W_io], weight_hh_l{k} [4H, H],
 * bias_ih_l{k} and bias_hh_l{k} [4H], all ~ U(-1/sqrt(H), 1/sqrt(H)).
 * Hochreiter and Schmidhuber, "Long Short-Term Memory" (1997),
 * https://doi.org/10.1162/neco.1997.9.8.1735
 */
export class LSTM extends RecurrentLayer {
  constructor(opts: RecurrentLayerOptions) {
    super("LSTM", "LSTM", opts);
  }

  /** Runs the sequence; `state` = { h, c } (zeros when omitted). */
  forward(
    x: Tensor,
    state?: { h?: Tensor; c?: Tensor },
    opts: RecurrentForwardOptions = {},
  ): { output: Tensor; h: Tensor; c: Tensor } {
    const r = this.run(x, state, opts);
    return { output: r.output, h: r.h, c: r.c! };
  }
}
