import type { Tensor } from "@nablajs/tensor";
import { l2Grad, mulAdd } from "./fma.js";
import {
  buf,
  bufferLike,
  type FloatArray,
  type LrOptions,
  Optimizer,
  type ParamGroup,
  type Params,
} from "./optimizer.js";
import { nonNegative } from "./validate.js";

/** Options of `Adagrad`. */
export interface AdagradOptions extends LrOptions {
  /** Learning-rate decay: step t uses `lr / (1 + (t - 1) lrDecay)` (default 0). */
  lrDecay: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Added to the denominator for stability (default 1e-10). */
  eps: number;
  /** Starting value of the sum of squared gradients (default 0). */
  initialAccumulatorValue: number;
}

/** Adagrad's state per parameter: the step and the sum of squared gradients. */
export type AdagradState = { step: number; sum: Tensor };

/**
 * One Adagrad step of `p` in place, in PyTorch's order (step `t` counts from 1):
 * `g = g + lambda p`; `s = s + g^2`; `p = p - (lr / (1 + (t - 1) lrDecay)) g / (sqrt(s) + eps)`.
 */
export function adagradUpdate(
  p: FloatArray,
  g: FloatArray,
  sum: FloatArray,
  t: number,
  o: AdagradOptions,
): void {
  const { lr, lrDecay, weightDecay, eps } = o;
  const clr = lr / (1 + (t - 1) * lrDecay);
  const x = p instanceof Float64Array;
  for (let i = 0; i < p.length; i++) {
    const gi = l2Grad(x, weightDecay, p[i]!, g[i]!);
    sum[i] = mulAdd(x, 1 * gi, gi, sum[i]!);
    p[i] = p[i]! + (-clr * gi) / (Math.sqrt(sum[i]!) + eps);
  }
}

/**
 * Adagrad, as torch.optim.Adagrad: each coordinate's step is divided by the root of its summed
 * squared gradients, `p -= lr g / (sqrt(sum g^2) + eps)`. Duchi, Hazan & Singer 2011,
 * https://jmlr.org/papers/v12/duchi11a.html
 */
export class Adagrad extends Optimizer<AdagradOptions, AdagradState> {
  constructor(params: Params<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    const defaults = { lr: 1e-2, lrDecay: 0, weightDecay: 0, eps: 1e-10, initialAccumulatorValue: 0 };
    super(params, { ...defaults, ...options }, "Adagrad");
  }

  protected validate(o: AdagradOptions): void {
    nonNegative("Adagrad", "learning rate", o.lr);
    nonNegative("Adagrad", "lrDecay value", o.lrDecay);
    nonNegative("Adagrad", "weightDecay value", o.weightDecay);
    nonNegative("Adagrad", "initialAccumulatorValue", o.initialAccumulatorValue);
    nonNegative("Adagrad", "epsilon value", o.eps);
  }

  protected initState(p: Tensor, group: ParamGroup<AdagradOptions>): AdagradState {
    return { step: 0, sum: bufferLike(p, group.initialAccumulatorValue) };
  }

  protected update(
    _: Tensor,
    data: FloatArray,
    g: FloatArray,
    s: AdagradState,
    group: ParamGroup<AdagradOptions>,
  ): void {
    s.step += 1;
    adagradUpdate(data, g, buf(s.sum), s.step, group);
  }
}
