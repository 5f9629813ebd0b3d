import { enableGrad, noGrad, shapeStr, Tensor } from "@nablajs/tensor";
import { type CGStop, conjugateGradient } from "./conjugate-gradient.js";
import { curvature, flatten, unflatten } from "./curvature.js";
import { numel } from "./flat.js";
import {
  type LrOptions,
  Optimizer,
  type ParamGroupInput,
  type ParamState,
  type Params,
  paramData,
} from "./optimizer.js";
import { closureLoss, positive, positiveInteger } from "./validate.js";

/** Options of `HessianFree`. */
export interface HessianFreeOptions extends LrOptions {
  /** First trial step along the conjugate-gradient direction, then x0.8 until Armijo holds (default 1). */
  lr: number;
  /** Tikhonov damping lambda: CG solves `(H + lambda I) d = -g` (default 1). */
  damping: number;
  /** Adjust lambda by the reduction ratio after each step, Levenberg-Marquardt style (default true). */
  adaptDamping: boolean;
  /** Most CG iterations (Hessian-vector products) per step (default 250). */
  maxCgIters: number;
  /** Stop CG when `|r| <= cgTolerance |g|` (default 1e-6). */
  cgTolerance: number;
  /** Martens' relative-progress test of CG, epsilon (default 5e-4; 0: off). */
  cgProgressTolerance: number;
  /** CG starts from the previous step's direction times this (default 0.95; 0: from zero). */
  cgDecay: number;
  /** Most halvings (x0.8) of the step before it is rejected (default 20). */
  maxBacktracks: number;
}

/** What the last step did, for logging and tests. */
export interface HessianFreeInfo {
  cgIterations: number;
  cgStop: CGStop;
  /** Reduction ratio: actual change of the loss over the quadratic model's, at the first trial step. */
  rho: number;
  /** The step length taken along the CG direction (0: rejected). */
  stepSize: number;
  /** The loss after the step. */
  loss: number;
}

/**
 * Hessian-free Newton (truncated Newton), after Martens 2010, "Deep learning via Hessian-free
 * optimization" (https://www.cs.toronto.edu/~jmartens/docs/Deep_HessianFree.pdf): each step
 * ```
 * g = grad f(x)                                   (one backward pass that records its graph)
 * d ~ argmin_d g.d + d.(H + lambda I) d / 2       (conjugate gradient on Hessian-vector products,
 *                                                  H v = d(g.v)/dx: one more backward pass each)
 * x += a d,  a = lr 0.8^j, the first with f(x + a d) <= f(x) + 0.01 a g.d
 * rho = (f(x + a d) - f(x)) / (a g.d + a^2 d.H d / 2);  lambda *= 3/2 if rho < 1/4, 2/3 if rho > 3/4
 * ```
 * CG is truncated (`maxCgIters`, a residual `cgTolerance`, Martens' progress test, or negative
 * curvature) and warm-started from the previous direction times `cgDecay`. No matrix is ever
 * formed, so it scales to models of any size at a cost of one gradient evaluation per CG
 * iteration. `step(closure)` needs a closure that recomputes and returns the loss from the
 * current parameters; it must not call `backward()` (the optimizer differentiates it twice) and is
 * evaluated again, without recording, by the line search. The damping is the group's `damping`
 * option, so `stateDict()` keeps it; the warm start is each parameter's `direction` state.
 */
export class HessianFree extends Optimizer<HessianFreeOptions> {
  /** What the last step did. */
  lastStep: HessianFreeInfo | null = null;

  constructor(params: Params<HessianFreeOptions>, options: Partial<HessianFreeOptions> = {}) {
    super(
      params,
      {
        lr: 1,
        damping: 1,
        adaptDamping: true,
        maxCgIters: 250,
        cgTolerance: 1e-6,
        cgProgressTolerance: 5e-4,
        cgDecay: 0.95,
        maxBacktracks: 20,
        ...options,
      },
      "HessianFree",
    );
  }

  protected validate(o: HessianFreeOptions): void {
    positive("HessianFree", "lr", o.lr);
    const nonNeg = (what: string, v: unknown) => {
      if (!(typeof v === "number" && v >= 0 && Number.isFinite(v)))
        throw new Error(`HessianFree: ${what} must be a finite number >= 0, got ${v}`);
    };
    nonNeg("damping", o.damping);
    if (typeof o.adaptDamping !== "boolean")
      throw new Error(`HessianFree: adaptDamping must be a boolean, got ${o.adaptDamping}`);
    positiveInteger("HessianFree", "maxCgIters", o.maxCgIters);
    nonNeg("cgTolerance", o.cgTolerance);
    nonNeg("cgProgressTolerance", o.cgProgressTolerance);
    if (!(typeof o.cgDecay === "number" && o.cgDecay >= 0 && o.cgDecay <= 1))
      throw new Error(`HessianFree: cgDecay must be in [0, 1], got ${o.cgDecay}`);
    if (!(Number.isInteger(o.maxBacktracks) && o.maxBacktracks >= 0))
      throw new Error(`HessianFree: maxBacktracks must be an integer >= 0, got ${o.maxBacktracks}`);
  }

  override addParamGroup(group: ParamGroupInput<HessianFreeOptions>): void {
    if (this.paramGroups.length > 0)
      throw new Error("HessianFree: doesn't support per-parameter options (parameter groups)");
    super.addParamGroup(group);
  }

  protected initState(): ParamState {
    return {};
  }

  protected update(): void {
    throw new Error(
      "HessianFree: step(closure) computes its own gradient and curvature; call it with a closure",
    );
  }

  /** One truncated-Newton step; `closure` recomputes and returns the loss, which is returned. */
  override step(closure?: () => Tensor): Tensor {
    if (typeof closure !== "function")
      throw new Error("HessianFree: step(closure) needs a closure that recomputes and returns the loss");
    const group = this.paramGroups[0]!;
    const params = group.params;
    params.forEach((p, i) => {
      if (!p.requiresGrad)
        throw new Error(`HessianFree: parameter ${i} ${shapeStr(p.shape)} does not require a gradient`);
    });
    const n = numel(params);
    const loss = closureLoss("HessianFree", enableGrad(closure));
    const f0 = loss.item();
    const { grad: g, hvp: h } = curvature(loss, params);
    if (!Number.isFinite(f0) || !g.every(Number.isFinite))
      throw new Error("HessianFree: the loss or its gradient is not finite at the current parameters");
    if (g.every((v) => v === 0)) {
      this.lastStep = { cgIterations: 0, cgStop: "converged", rho: Number.NaN, stepSize: 0, loss: f0 };
      return loss;
    }
    const lambda = group.damping;
    const hvp = (v: Float64Array): Float64Array => {
      const hv = h(v);
      for (let i = 0; i < n; i++) hv[i] = hv[i]! + lambda * v[i]!;
      return hv;
    };
    const b = g.map((v) => -v);
    const x0 = this.warmStart(params, n, group.cgDecay);
    const cg = conjugateGradient(hvp, b, {
      maxIter: group.maxCgIters,
      tolerance: group.cgTolerance,
      progressTolerance: group.cgProgressTolerance,
      x0,
    });
    let [d, ad] = [cg.x, cg.ax];
    if (!(dot(g, d) < 0)) [d, ad] = [b, hvp(b)]; // not a descent direction: steepest descent
    const directions = unflatten(d, params);
    params.forEach((p, k) => {
      this.state.set(p, { ...this.state.get(p), direction: directions[k]! });
    });
    const gd = dot(g, d);
    const dHd = dot(d, ad) - lambda * dot(d, d); // the undamped curvature along d
    const { stepSize, rho, loss: fNew } = this.lineSearch(closure, params, d, f0, gd, dHd, group);
    if (group.adaptDamping) {
      // NOTE: a NaN ratio (the model predicted no change) counts as a poor one.
      if (!(rho >= 0.25)) group.damping = lambda * 1.5;
      else if (rho > 0.75) group.damping = (lambda * 2) / 3;
    }
    this.lastStep = { cgIterations: cg.iterations, cgStop: cg.stop, rho, stepSize, loss: fNew };
    return loss;
  }

  /** The previous direction times `decay`, or undefined (start from zero). */
  private warmStart(params: readonly Tensor[], n: number, decay: number): Float64Array | undefined {
    if (decay === 0) return undefined;
    const prev = params.map((p) => this.state.get(p)?.direction);
    if (!prev.every((t): t is Tensor => t instanceof Tensor)) return undefined;
    return flatten(prev, n).map((v) => v * decay);
  }

  /** Backtracking from `lr` along `d` until the Armijo condition holds; parameters end at the accepted point. */
  private lineSearch(
    closure: () => Tensor,
    params: readonly Tensor[],
    d: Float64Array,
    f0: number,
    gd: number,
    dHd: number,
    group: HessianFreeOptions,
  ): { stepSize: number; rho: number; loss: number } {
    const before = params.map((p) => Float64Array.from(paramData(p)));
    const moveTo = (a: number) => {
      let offset = 0;
      params.forEach((p, k) => {
        const data = paramData(p);
        for (let i = 0; i < data.length; i++) data[i] = before[k]![i]! + a * d[offset + i]!;
        offset += p.size;
      });
    };
    let a = group.lr;
    let rho = Number.NaN;
    for (let j = 0; j <= group.maxBacktracks; j++) {
      moveTo(a);
      const f = closureLoss("HessianFree", noGrad(closure)).item();
      if (j === 0) rho = (f - f0) / (a * gd + (a * a * dHd) / 2);
      if (f <= f0 + 0.01 * a * gd) return { stepSize: a, rho, loss: f };
      a *= 0.8;
    }
    params.forEach((p, k) => {
      paramData(p).set(before[k]!);
    });
    return { stepSize: 0, rho, loss: f0 };
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
