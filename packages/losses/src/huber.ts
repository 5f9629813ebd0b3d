import { abs, lt, mul, square, sub, type Tensor, where } from "@nablajs/tensor";
import { checkPair } from "./checks.js";
import { checkReduction, type Reduction, reduce } from "./reduction.js";

/** Options of `huber`. */
export interface HuberOptions {
  /** Where the loss turns from quadratic to linear (default 1, must be > 0). */
  delta?: number;
  reduction?: Reduction;
}

/**
 * Huber loss of `d = pred - target` elementwise: `d^2 / 2` where `|d| < delta`, else
 * `delta (|d| - delta / 2)`, reduced (`'mean'` by default); same shapes. Quadratic near zero,
 * linear (robust to outliers) beyond `delta`, as torch.nn.HuberLoss.
 */
export function huber(pred: Tensor, target: Tensor, opts: HuberOptions = {}): Tensor {
  checkPair("huber", pred, target, ["pred", "target"]);
  const delta = opts.delta ?? 1;
  if (!(delta > 0 && Number.isFinite(delta))) throw new Error(`huber: delta must be > 0, got ${delta}`);
  const d = sub(pred, target);
  const ad = abs(d);
  const loss = where(lt(ad, delta), mul(square(d), 0.5), mul(sub(ad, delta / 2), delta));
  return reduce(loss, checkReduction("huber", opts.reduction));
}
