import type { Tensor } from "@nablajs/tensor";
import type { RNNNonlinearity } from "../fused/rnn-kernel.js";
import { CellBase, type CellOptions } from "./cell-base.js";
import { rnnStep } from "./steps.js";

/** Options of RNNCell: those of every cell and the nonlinearity. */
export interface RNNCellOptions extends CellOptions {
  /** tanh (default) or relu. */
  nonlinearity?: RNNNonlinearity;
}

/**
 * An Elman RNN cell, as torch.nn.RNNCell:
 *
 *   h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh),   act = tanh or relu
 *
 * x [B, inputSize], h [B, hiddenSize] (zeros when omitted) -> h' [B, hiddenSize]. Parameters
 * weight_ih [H, I], weight_hh [H, H], bias_ih and bias_hh [H], all ~ U(-1/sqrt(H), 1/sqrt(H)).
 * Elman, "Finding structure in time" (1990), https://doi.org/10.1207/s15516709cog1402_1
 */
export class RNNCell extends CellBase {
  readonly nonlinearity: RNNNonlinearity;

  constructor(opts: RNNCellOptions) {
    super("RNNCell", 1, opts);
    const act = opts.nonlinearity ?? "tanh";
    if (act !== "tanh" && act !== "relu")
      throw new Error(`RNNCell: nonlinearity must be 'tanh' or 'relu', got ${String(act)}`);
    this.nonlinearity = act;
  }

  /** One step: x [B, I] and h [B, H] (or `{ h }`) to h' [B, H]. */
  forward(x: Tensor, state?: Tensor | { h?: Tensor }): Tensor {
    const B = this.checkInput(x);
    const h = this.stateOrZeros("h", hiddenOf(state), B);
    return rnnStep(x, h, this.weights(), this.nonlinearity);
  }

  protected override extraRepr(): string {
    return `${super.extraRepr()}, nonlinearity=${this.nonlinearity}`;
  }
}

/** The hidden state from a tensor or a `{ h }` object. */
export function hiddenOf(state: Tensor | { h?: Tensor } | undefined): Tensor | undefined {
  if (state === undefined || state === null) return undefined;
  return "shape" in state ? (state as Tensor) : state.h;
}
