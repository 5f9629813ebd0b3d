import type { Tensor } from "@nablajs/tensor";
import { l2Grad, mulAdd } from "./fma.js";
import {
  type FloatArray,
  type LrOptions,
  lazyBuf,
  Optimizer,
  type ParamGroup,
  type Params,
} from "./optimizer.js";
import { check, nonNegative } from "./validate.js";

/** Options of `SGD`. */
export interface SGDOptions extends LrOptions {
  /** Momentum factor mu (default 0: plain gradient descent). */
  momentum: number;
  /** Dampening tau of the momentum (default 0). */
  dampening: number;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening 0). */
  nesterov: boolean;
  /** L2 penalty lambda added to the gradient (default 0). */
  weightDecay: number;
}

/** SGD's state per parameter: the momentum buffer once momentum is used. */
export type SGDState = { momentum_buffer?: Tensor };

/**
 * One SGD update of `p` in place, in PyTorch's order: `d = g + lambda p`; with momentum
 * `b = d` on the first step, else `b = mu b + (1 - tau) d`, then `d = d + mu b` (Nesterov) or
 * `d = b`; finally `p = p - lr d`. `b` is null without momentum.
 */
export function sgdUpdate(
  p: FloatArray,
  g: FloatArray,
  b: FloatArray | null,
  first: boolean,
  o: SGDOptions,
): void {
  const { lr, momentum, dampening, nesterov, weightDecay } = o;
  const x = p instanceof Float64Array;
  for (let i = 0; i < p.length; i++) {
    let d = l2Grad(x, weightDecay, p[i]!, g[i]!);
    if (b !== null) {
      b[i] = first ? d : mulAdd(x, 1 - dampening, d, b[i]! * momentum);
      d = nesterov ? mulAdd(x, momentum, b[i]!, d) : b[i]!;
    }
    p[i] = mulAdd(x, -lr, d, p[i]!);
  }
}

/**
 * Stochastic gradient descent with optional momentum and Nesterov momentum, as torch.optim.SGD:
 * `b_t = mu b_{t-1} + (1 - tau) g_t`, `p_t = p_{t-1} - lr b_t` (Nesterov: `- lr (g_t + mu b_t)`).
 * Nesterov momentum: Sutskever et al. 2013, http://proceedings.mlr.press/v28/sutskever13.html
 */
export class SGD extends Optimizer<SGDOptions, SGDState> {
  constructor(params: Params<SGDOptions>, options: Partial<SGDOptions> = {}) {
    super(
      params,
      { lr: 1e-3, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, ...options },
      "SGD",
    );
  }

  protected validate(o: SGDOptions): void {
    nonNegative("SGD", "learning rate", o.lr);
    nonNegative("SGD", "momentum value", o.momentum);
    nonNegative("SGD", "weightDecay value", o.weightDecay);
    check(
      "SGD",
      typeof o.dampening === "number" && !Number.isNaN(o.dampening),
      "dampening value",
      o.dampening,
    );
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new Error("SGD: Nesterov momentum requires a momentum and zero dampening");
    }
  }

  protected initState(): SGDState {
    return {};
  }

  protected update(
    p: Tensor,
    data: FloatArray,
    g: FloatArray,
    s: SGDState,
    group: ParamGroup<SGDOptions>,
  ): void {
    const first = s.momentum_buffer === undefined;
    const b = group.momentum === 0 ? null : lazyBuf(s, "momentum_buffer", p);
    sgdUpdate(data, g, b, first, group);
  }
}
