import { add, matmul, mT, mul, softmax, type Tensor } from "@nablajs/tensor";
import { causalMask } from "./mask.js";

/**
 * Attention op by op, the reference every fused kernel is checked against and the path for
 * higher-order derivatives: weights = softmax(scale q kᵀ + mask (+ causal)), out = drop(weights) v.
 * q [..., L, D], k [..., S, D], v [..., S, Dv] (batch axes broadcast), an additive float `mask`
 * broadcastable to [..., L, S] or null; `drop` applies dropout to the weights (training).
 * Returns out [..., L, Dv] and the weights [..., L, S] before dropout.
 */
export function attentionReference(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  mask: Tensor | null,
  causal: boolean,
  scale: number,
  drop?: (weights: Tensor) => Tensor,
): { out: Tensor; weights: Tensor } {
  let scores = mul(matmul(q, mT(k)), scale);
  if (mask !== null) scores = add(scores, mask);
  if (causal) scores = add(scores, causalMask(q.shape.at(-2)!, k.shape.at(-2)!, q.dtype));
  const weights = softmax(scores, -1);
  return { out: matmul(drop ? drop(weights) : weights, v), weights };
}
