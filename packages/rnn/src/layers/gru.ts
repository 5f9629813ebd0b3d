import type { Tensor } from "@nablajs/tensor";
import type { RecurrentForwardOptions, RecurrentLayerOptions } from "./options.js";
import { RecurrentLayer } from "./recurrent.js";

/**
 * A multi-layer gated recurrent unit RNN, as torch.nn.GRU (the reset gate multiplies
 * W_hn h + b_hn, as in PyTorch and cuDNN). For each layer and each time step t:
 *
 *   r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)
 *   z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)
 *   n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))
 *   h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}
 *
 * Shapes (T steps, B batch, D = 2 if bidirectional else 1, L = numLayers, H = hiddenSize):
 * x [T, B, inputSize] ([B, T, inputSize] with batchFirst); h0, h [L D, B, H];
 * output [T, B, D H] (or [B, T, D H]). Parameters weight_ih_l{k}[_reverse] [3H, I_k] =
 * [W_ir; W_iz; W_in], weight_hh_l{k} [3H, H], bias_ih_l{k} and bias_hh_l{k} [3H],
 * all ~ U(-1/sqrt(H), 1/sqrt(H)).
 * Cho et al., "Learning Phrase Representations using RNN Encoder-Decoder" (2014),
 * https://arxiv.org/abs/1406.1078
 */
export class GRU extends RecurrentLayer {
  constructor(opts: RecurrentLayerOptions) {
    super("GRU", "GRU", opts);
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
}
