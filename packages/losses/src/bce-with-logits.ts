import { abs, add, exp, log, maximum, mul, neg, sub, type Tensor } from "@nablajs/tensor";
import { checkBroadcastsTo, checkPair, checkTensor } from "./checks.js";
import { checkReduction, type Reduction, reduce } from "./reduction.js";

/** Options of `bceWithLogits`. */
export interface BceWithLogitsOptions {
  reduction?: Reduction;
  /** Weight of the positive term, e.g. [C] broadcast along the last axis (a number or a tensor). */
  posWeight?: Tensor | number;
}

/** softplus(-x) = log(1 + e^-x) = max(-x, 0) + log(1 + e^-|x|), without overflow. */
function softplusNeg(x: Tensor): Tensor {
  return add(maximum(neg(x), 0), log(add(exp(neg(abs(x))), 1)));
}

/**
 * Binary cross-entropy of `logits` against float `targets` in [0, 1] (same shape), from logits
 * so it is stable: `max(x, 0) - x y + log(1 + e^-|x|)`, or with `posWeight` p
 * `(1 - y) x + (1 + (p - 1) y) log(1 + e^-x)`, reduced (`'mean'` by default). As
 * torch.nn.BCEWithLogitsLoss.
 */
export function bceWithLogits(logits: Tensor, targets: Tensor, opts: BceWithLogitsOptions = {}): Tensor {
  checkPair("bceWithLogits", logits, targets, ["logits", "targets"]);
  const reduction = checkReduction("bceWithLogits", opts.reduction);
  const p = opts.posWeight;
  if (p === undefined) {
    // NOTE: maximum (not relu) so the gradient at x = 0 is the tie's 1/2 = sigmoid(0).
    const loss = add(sub(maximum(logits, 0), mul(logits, targets)), log(add(exp(neg(abs(logits))), 1)));
    return reduce(loss, reduction);
  }
  if (typeof p !== "number") {
    checkTensor("bceWithLogits", p, "posWeight");
    if (p.dtype !== logits.dtype) {
      throw new Error(`bceWithLogits: posWeight is ${p.dtype} but logits are ${logits.dtype}`);
    }
    checkBroadcastsTo("bceWithLogits", p, "posWeight", logits.shape);
  }
  const logWeight = add(mul(targets, typeof p === "number" ? p - 1 : sub(p, 1)), 1);
  const loss = add(mul(sub(1, targets), logits), mul(logWeight, softplusNeg(logits)));
  return reduce(loss, reduction);
}
