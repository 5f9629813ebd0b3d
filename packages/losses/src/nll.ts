import { allocate, div, mul, neg, sum, Tensor } from "@nablajs/tensor";
import { type ClassLossOptions, classTargets, targetWeights } from "./class-targets.js";

/**
 * Negative log-likelihood of int32 class `targets` [...] under log-probabilities `logProbs`
 * [..., C] (class axis last): `loss_i = -w[y_i] logProbs[i, y_i]`, reduced by `'mean'` (divided by
 * the summed weight of non-ignored targets, as PyTorch), `'sum'` or `'none'` (shape [...]).
 * `nll(logSoftmax(x), y)` equals `crossEntropy(x, y)`.
 */
export function nll(logProbs: Tensor, targets: Tensor, opts: ClassLossOptions = {}): Tensor {
  const ct = classTargets("nll", logProbs, targets, opts, "logProbs");
  // -sum_c q_ic x_ic with q the weighted one-hot rows (zero rows where ignored): linear in x.
  const q = new Tensor(allocate(logProbs.dtype, ct.rows * ct.classes), logProbs.shape);
  q.data.set(targetWeights(ct, 0, new Float64Array(ct.rows * ct.classes)));
  const rows = neg(sum(mul(logProbs, q), -1));
  if (ct.reduction === "none") return rows;
  const total = sum(rows);
  return ct.reduction === "sum" ? total : div(total, ct.total);
}
