import type { Tensor } from "@nablajs/tensor";
import { l2Grad, mulAdd } from "./fma.js";
import {
  buf,
  bufferLike,
  type FloatArray,
  type LrOptions,
  lazyBuf,
  Optimizer,
  type ParamGroup,
  type Params,
} from "./optimizer.js";
import { nonNegative } from "./validate.js";

/** Options of `RMSprop`. */
export interface RMSpropOptions extends LrOptions {
  /** Smoothing constant of the squared-gradient average (default 0.99). */
  alpha: number;
  /** Added to the denominator for stability (default 1e-8). */
  eps: number;
  /** Momentum factor (default 0). */
  momentum: number;
  /** Normalise by the variance estimate `v - mean(g)^2` instead of `v` (default false). */
  centered: boolean;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
}

/** RMSprop's state per parameter, with PyTorch's names. */
export type RMSpropState = { step: number; square_avg: Tensor; momentum_buffer?: Tensor; grad_avg?: Tensor };

/**
 * One RMSprop step of `p` in place, in PyTorch's order: `g = g + lambda p`;
 * `v = alpha v + (1 - alpha) g^2`; centred: `a = alpha a + (1 - alpha) g`, `d = sqrt(v - a^2) + eps`,
 * else `d = sqrt(v) + eps`; with momentum `b = mu b + g / d`, `p = p - lr b`, else `p = p - lr g / d`.
 */
export function rmspropUpdate(
  p: FloatArray,
  g: FloatArray,
  v: FloatArray,
  a: FloatArray | null,
  b: FloatArray | null,
  o: RMSpropOptions,
): void {
  const { lr, alpha, eps, momentum, weightDecay } = o;
  const x = p instanceof Float64Array;
  for (let i = 0; i < p.length; i++) {
    const gi = l2Grad(x, weightDecay, p[i]!, g[i]!);
    v[i] = mulAdd(x, (1 - alpha) * gi, gi, v[i]! * alpha);
    let avg: number;
    if (a !== null) {
      a[i] = mulAdd(x, 1 - alpha, gi, a[i]! * alpha);
      avg = Math.sqrt(mulAdd(x, -1 * a[i]!, a[i]!, v[i]!));
    } else avg = Math.sqrt(v[i]!);
    avg = avg + eps;
    if (b !== null) {
      b[i] = b[i]! * momentum + gi / avg;
      p[i] = mulAdd(x, -lr, b[i]!, p[i]!);
    } else p[i] = p[i]! + (-lr * gi) / avg;
  }
}

/**
 * RMSprop, as torch.optim.RMSprop: divides the gradient by a running root mean square of recent
 * gradients, `p -= lr g / (sqrt(v) + eps)`. Tieleman & Hinton 2012, Lecture 6.5 of "Neural
 * Networks for Machine Learning", https://www.cs.toronto.edu/~tijmen/csc321/slides/lecture_slides_lec6.pdf;
 * centred variant: Graves 2013, https://arxiv.org/abs/1308.0850
 */
export class RMSprop extends Optimizer<RMSpropOptions, RMSpropState> {
  constructor(params: Params<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    const defaults = { lr: 1e-2, alpha: 0.99, eps: 1e-8, momentum: 0, centered: false, weightDecay: 0 };
    super(params, { ...defaults, ...options }, "RMSprop");
  }

  protected validate(o: RMSpropOptions): void {
    nonNegative("RMSprop", "learning rate", o.lr);
    nonNegative("RMSprop", "epsilon value", o.eps);
    nonNegative("RMSprop", "momentum value", o.momentum);
    nonNegative("RMSprop", "weightDecay value", o.weightDecay);
    nonNegative("RMSprop", "alpha value", o.alpha);
  }

  protected initState(p: Tensor): RMSpropState {
    return { step: 0, square_avg: bufferLike(p) };
  }

  protected update(
    p: Tensor,
    data: FloatArray,
    g: FloatArray,
    s: RMSpropState,
    group: ParamGroup<RMSpropOptions>,
  ): void {
    s.step += 1;
    const b = group.momentum > 0 ? lazyBuf(s, "momentum_buffer", p) : null;
    const a = group.centered ? lazyBuf(s, "grad_avg", p) : null;
    rmspropUpdate(data, g, buf(s.square_avg), a, b, group);
  }
}
