import type { Tensor } from "@nablajs/tensor";
import { l2Grad, mulAdd, powInt } from "./fma.js";
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
import { check, nonNegative } from "./validate.js";

/** Options of `Adam` and `AdamW`. */
export interface AdamOptions extends LrOptions {
  /** Decay rates (beta1, beta2) of the first and second moment averages (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to the denominator for stability (default 1e-8). */
  eps: number;
  /** Adam: L2 penalty added to the gradient (default 0); AdamW: decoupled decay (default 1e-2). */
  weightDecay: number;
  /** Use the maximum of past second moments (AMSGrad; default false). */
  amsgrad: boolean;
}

/** Adam's (and AdamW's) state per parameter, with PyTorch's names. */
export type AdamState = { step: number; exp_avg: Tensor; exp_avg_sq: Tensor; max_exp_avg_sq?: Tensor };

/**
 * One Adam step of `p` in place, in PyTorch's order (step `t` counts from 1):
 * `g = g + lambda p` (Adam) or `p = p (1 - lr lambda)` (AdamW); `m = beta1 m + (1 - beta1) g`;
 * `v = beta2 v + (1 - beta2) g^2`; `vmax = max(vmax, v)` (AMSGrad);
 * `p = p - (lr / (1 - beta1^t)) m / (sqrt(v) / sqrt(1 - beta2^t) + eps)`.
 */
export function adamUpdate(
  p: FloatArray,
  g: FloatArray,
  m: FloatArray,
  v: FloatArray,
  vmax: FloatArray | null,
  t: number,
  o: AdamOptions,
  decoupled: boolean,
): void {
  const { lr, eps, weightDecay } = o;
  const [beta1, beta2] = o.betas;
  const stepSize = lr / (1 - powInt(beta1, t));
  const bc2Sqrt = Math.sqrt(1 - powInt(beta2, t));
  const decay = 1 - lr * weightDecay;
  const x = p instanceof Float64Array;
  for (let i = 0; i < p.length; i++) {
    if (decoupled) p[i] = p[i]! * decay;
    const gi = decoupled ? g[i]! : l2Grad(x, weightDecay, p[i]!, g[i]!);
    m[i] = mulAdd(x, 1 - beta1, gi, m[i]! * beta1);
    v[i] = mulAdd(x, (1 - beta2) * gi, gi, v[i]! * beta2);
    let second = v[i]!;
    if (vmax !== null) second = vmax[i] = Math.max(vmax[i]!, second);
    p[i] = p[i]! + (-stepSize * m[i]!) / (Math.sqrt(second) / bc2Sqrt + eps);
  }
}

function validateAdam(name: string, o: AdamOptions): void {
  nonNegative(name, "learning rate", o.lr);
  nonNegative(name, "epsilon value", o.eps);
  if (!Array.isArray(o.betas) || o.betas.length !== 2) {
    throw new Error(`${name}: betas must be a pair [beta1, beta2], got ${JSON.stringify(o.betas)}`);
  }
  o.betas.forEach((b, i) => {
    check(name, b >= 0 && b < 1, `beta parameter at index ${i}`, b);
  });
  nonNegative(name, "weightDecay value", o.weightDecay);
}

/**
 * Adam, as torch.optim.Adam: running averages of the gradient and its square, bias-corrected,
 * `p -= lr m_hat / (sqrt(v_hat) + eps)`; `weightDecay` adds `lambda p` to the gradient (L2).
 * Kingma & Ba 2015, https://arxiv.org/abs/1412.6980; AMSGrad: Reddi et al. 2018,
 * https://openreview.net/forum?id=ryQu7f-RZ
 */
export class Adam extends Optimizer<AdamOptions, AdamState> {
  protected readonly decoupled: boolean = false;

  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}, name = "Adam") {
    const defaults = { lr: 1e-3, betas: [0.9, 0.999] as [number, number], eps: 1e-8, amsgrad: false };
    super(params, { weightDecay: name === "AdamW" ? 1e-2 : 0, ...defaults, ...options }, name);
  }

  protected validate(o: AdamOptions): void {
    validateAdam(this.name, o);
  }

  protected initState(p: Tensor): AdamState {
    return { step: 0, exp_avg: bufferLike(p), exp_avg_sq: bufferLike(p) };
  }

  protected update(
    p: Tensor,
    data: FloatArray,
    g: FloatArray,
    s: AdamState,
    group: ParamGroup<AdamOptions>,
  ): void {
    s.step += 1;
    const vmax = group.amsgrad ? lazyBuf(s, "max_exp_avg_sq", p) : null;
    adamUpdate(data, g, buf(s.exp_avg), buf(s.exp_avg_sq), vmax, s.step, group, this.decoupled);
  }
}

/**
 * AdamW, as torch.optim.AdamW: Adam with decoupled weight decay, `p *= 1 - lr lambda` before the
 * Adam step (default `weightDecay` 1e-2). Loshchilov & Hutter 2019, https://arxiv.org/abs/1711.05101
 */
export class AdamW extends Adam {
  protected override readonly decoupled: boolean = true;

  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, options, "AdamW");
  }
}
