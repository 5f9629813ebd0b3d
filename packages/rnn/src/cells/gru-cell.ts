import type { Tensor } from "@nablajs/tensor";
import { CellBase, type CellOptions } from "./cell-base.js";
import { hiddenOf } from "./rnn-cell.js";
import { gruStep } from "./steps.js";

/**
 * A gated recurrent unit cell, as torch.nn.GRUCell (gates r, z, n in PyTorch's order, the reset
 * gate applied to W_hn h + b_hn):
 *
 *   r  = σ(W_ir x + b_ir + W_hr h + b_hr)
 *   z  = σ(W_iz x + b_iz + W_hz h + b_hz)
 *   n  = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
 *   h' = (1 - z) ⊙ n + z ⊙ h
 *
 * x [B, inputSize], h [B, hiddenSize] (zeros when omitted) -> h' [B, hiddenSize]. Parameters
 * weight_ih [3H, I] = [W_ir; W_iz; W_in], weight_hh [3H, H], bias_ih and bias_hh [3H].
 * Cho et al., "Learning Phrase Representations using RNN Encoder-Decoder" (2014),
 * https://arxiv.org/abs/1406.1078
 */
export class GRUCell extends CellBase {
  constructor(opts: CellOptions) {
    super("GRUCell", 3, opts);
  }

  /** One step: x [B, I] and h [B, H] (or `{ h }`) to h' [B, H]. */
  forward(x: Tensor, state?: Tensor | { h?: Tensor }): Tensor {
    const B = this.checkInput(x);
    const h = this.stateOrZeros("h", hiddenOf(state), B);
    return gruStep(x, h, this.weights());
  }
}
