import { add, matmul, mT, mul, relu, sigmoid, split, sub, type Tensor, tanh } from "@nablajs/tensor";
import type { RNNNonlinearity } from "../fused/rnn-kernel.js";

/**
 * One cell's weights in PyTorch's layout: W_ih [G H, I], W_hh [G H, H], b_ih and b_hh [G H]
 * (null without bias), with G = 1 (RNN), 3 (GRU) or 4 (LSTM) gates stacked in PyTorch's order.
 */
export interface CellWeights {
  wih: Tensor;
  whh: Tensor;
  bih: Tensor | null;
  bhh: Tensor | null;
}

/** x W^T + b for a batch of rows x [B, K] and W [N, K]. */
function affine(x: Tensor, w: Tensor, b: Tensor | null): Tensor {
  const y = matmul(x, mT(w));
  return b === null ? y : add(y, b);
}

/**
 * One Elman RNN step with tensor ops: h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh), act = tanh or
 * relu; x [B, I], h [B, H] -> h' [B, H].
 */
export function rnnStep(x: Tensor, h: Tensor, w: CellWeights, act: RNNNonlinearity): Tensor {
  const v = add(affine(x, w.wih, w.bih), affine(h, w.whh, w.bhh));
  return act === "relu" ? relu(v) : tanh(v);
}

/**
 * One LSTM step with tensor ops (gates in PyTorch's order i, f, g, o):
 * i = σ(W_ii x + b_ii + W_hi h + b_hi), f = σ(W_if x + b_if + W_hf h + b_hf),
 * g = tanh(W_ig x + b_ig + W_hg h + b_hg), o = σ(W_io x + b_io + W_ho h + b_ho),
 * c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c'); x [B, I], h and c [B, H].
 */
export function lstmStep(x: Tensor, h: Tensor, c: Tensor, w: CellWeights): { h: Tensor; c: Tensor } {
  const H = h.shape[1]!;
  const gates = add(affine(x, w.wih, w.bih), affine(h, w.whh, w.bhh));
  const [i, f, g, o] = split(gates, H, 1) as [Tensor, Tensor, Tensor, Tensor];
  const cNew = add(mul(sigmoid(f), c), mul(sigmoid(i), tanh(g)));
  return { h: mul(sigmoid(o), tanh(cNew)), c: cNew };
}

/**
 * One GRU step with tensor ops (gates r, z, n; the reset gate multiplies W_hn h + b_hn, as in
 * PyTorch and cuDNN): r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
 * n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 - z) ⊙ n + z ⊙ h; x [B, I], h [B, H].
 */
export function gruStep(x: Tensor, h: Tensor, w: CellWeights): Tensor {
  const H = h.shape[1]!;
  const [ir, iz, inn] = split(affine(x, w.wih, w.bih), H, 1) as [Tensor, Tensor, Tensor];
  const [hr, hz, hn] = split(affine(h, w.whh, w.bhh), H, 1) as [Tensor, Tensor, Tensor];
  const r = sigmoid(add(ir, hr));
  const z = sigmoid(add(iz, hz));
  const n = tanh(add(inn, mul(r, hn)));
  return add(mul(sub(1, z), n), mul(z, h));
}
