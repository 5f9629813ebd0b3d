import type { Tensor } from "@nablajs/tensor";
import { CellBase, type CellOptions } from "./cell-base.js";
import { lstmStep } from "./steps.js";

/**
 * A long short-term memory cell, as torch.nn.LSTMCell (gates i, f, g, o in PyTorch's order):
 *
 *   i  = σ(W_ii x + b_ii + W_hi h + b_hi)
 *   f  = σ(W_if x + b_if + W_hf h + b_hf)
 *   g  = tanh(W_ig x + b_ig + W_hg h + b_hg)
 *   o  = σ(W_io x + b_io + W_ho h + b_ho)
 *   c' = f ⊙ c + i ⊙ g
 *   h' = o ⊙ tanh(c')
 *
 * x [B, inputSize], h and c [B, hiddenSize] (zeros when omitted) -> { h', c' }. Parameters
 * weight_ih [4H, I] = [W_ii; W_if; W_ig; W_io], weight_hh [4H, H], bias_ih and bias_hh [4H].
 * Hochreiter and Schmidhuber, "Long Short-Term Memory" (1997),
 * https://doi.org/10.1162/neco.1997.9.8.1735
 */
export class LSTMCell extends CellBase {
  constructor(opts: CellOptions) {
    super("LSTMCell", 4, opts);
  }

  /** One step: x [B, I] and `{ h, c }` [B, H] each to `{ h', c' }`. */
  forward(x: Tensor, state?: { h?: Tensor; c?: Tensor }): { h: Tensor; c: Tensor } {
    const B = this.checkInput(x);
    const h = this.stateOrZeros("h", state?.h, B);
    const c = this.stateOrZeros("c", state?.c, B);
    return lstmStep(x, h, c, this.weights());
  }
}
