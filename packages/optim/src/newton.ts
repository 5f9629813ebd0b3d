import {
  concat,
  enableGrad,
  gradients,
  noGrad,
  onesLike,
  reshape,
  shapeStr,
  Tensor,
  zeros,
} from "@nablajs/tensor";
import { cholesky, choleskySolve } from "./cholesky.js";
import {
  type LrOptions,
  Optimizer,
  type ParamGroupInput,
  type ParamState,
  type Params,
  paramData,
} from "./optimizer.js";
import { nonNegative } from "./validate.js";

/** Options of `Newton`. */
export interface NewtonOptions extends LrOptions {
  /** Step length along the Newton direction (default 1: the full step). */
  lr: number;
  /** lambda added to the Hessian's diagonal, `(H + lambda I) d = g` (default 0). */
  damping: number;
}

/** A dense Hessian of n^2 float64 entries: 4096 parameters take 128 MiB and 4096 backward passes. */
const MAX_PARAMS = 4096;

/** The tensors flattened and joined into one vector (recorded, so it differentiates). */
function flatConcat(ts: readonly Tensor[]): Tensor {
  return concat(ts.map((t) => reshape(t, [-1])));
}

/** Gradient and dense Hessian of `loss` over `params` flattened into one vector of `n`. */
function gradientAndHessian(loss: Tensor, params: Tensor[], n: number): [Float64Array, Float64Array] {
  const h = new Float64Array(n * n);
  if (!loss.requiresGrad) return [new Float64Array(n), h];
  const g = flatConcat(gradients([loss], params, [onesLike(loss)], { createGraph: true }));
  if (g.requiresGrad) {
    for (let j = 0; j < n; j++) {
      const e = zeros([n], { dtype: g.dtype });
      e.data[j] = 1;
      const row = flatConcat(gradients([g], params, [e], { retainGraph: true })).toTypedArray();
      h.set(row, j * n);
    }
  }
  return [Float64Array.from(g.toTypedArray()), h];
}

/**
 * Newton's method with Levenberg-Marquardt damping: each step takes the gradient `g` and the
 * dense Hessian `H` of the loss over all parameters (flattened into one vector) through autograd,
 * solves `(H + lambda I) d = g` by Cholesky and moves `p -= lr d`. When `H + lambda I` is not
 * positive definite, a shift `mu I` is added (1e-8 max|H_ii|, then x10) until it is and the step
 * lowers the loss (the closure is evaluated again to check), so the step is a descent direction. `step(closure)` needs a closure that recomputes and returns the loss from the
 * current parameters (it must not call backward). For at most 4096 parameters; beyond that use
 * `HessianFree` (conjugate gradient on Hessian-vector products) or `LBFGS`. Nocedal & Wright, "Numerical
 * Optimization", ch. 3 and 10, https://doi.org/10.1007/978-0-387-40065-5
 */
export class Newton extends Optimizer<NewtonOptions> {
  /** The multiple of the identity added beyond `damping` in the last step (0 when none was needed). */
  lastShift = 0;

  constructor(params: Params<NewtonOptions>, options: Partial<NewtonOptions> = {}) {
    super(params, { lr: 1, damping: 0, ...options }, "Newton");
  }

  protected validate(o: NewtonOptions): void {
    nonNegative("Newton", "learning rate", o.lr);
    nonNegative("Newton", "damping value", o.damping);
  }

  override addParamGroup(group: ParamGroupInput<NewtonOptions>): void {
    super.addParamGroup(group);
    const n = this.paramGroups.reduce((s, g) => s + g.params.reduce((t, p) => t + p.size, 0), 0);
    if (n > MAX_PARAMS) {
      this.paramGroups.pop();
      throw new Error(
        `Newton: ${n} parameters would need a dense ${n} x ${n} Hessian; at most ${MAX_PARAMS} are supported. ` +
          "For larger models use HessianFree (conjugate gradient on Hessian-vector products) or LBFGS, " +
          "or a first-order optimizer such as Adam",
      );
    }
  }

  protected initState(): ParamState {
    return {};
  }

  protected update(): void {
    throw new Error("Newton: step(closure) computes its own gradient and Hessian; call it with a closure");
  }

  /** One Newton step; `closure` recomputes and returns the (scalar) loss, which is returned. */
  override step(closure?: () => Tensor): Tensor {
    if (typeof closure !== "function") {
      throw new Error("Newton: step(closure) needs a closure that recomputes and returns the loss");
    }
    const params = this.paramGroups.flatMap((g) => g.params);
    params.forEach((p, i) => {
      if (!p.requiresGrad)
        throw new Error(`Newton: parameter ${i} ${shapeStr(p.shape)} does not require a gradient`);
    });
    const loss = enableGrad(closure);
    if (!(loss instanceof Tensor) || loss.size !== 1) {
      const what = loss instanceof Tensor ? `a tensor of shape ${shapeStr(loss.shape)}` : typeof loss;
      throw new Error(`Newton: the closure must return a scalar loss tensor, got ${what}`);
    }
    const n = params.reduce((s, p) => s + p.size, 0);
    const [g, h] = gradientAndHessian(loss, params, n);
    const offsets = params.map((_, k) => params.slice(0, k).reduce((t, q) => t + q.size, 0));
    if (!g.every(Number.isFinite) || !h.every(Number.isFinite)) {
      throw new Error(
        "Newton: the gradient or Hessian is not finite (NaN or Infinity) at the current parameters",
      );
    }
    const damping = this.diagonal((o) => o.damping, n);
    const lrs = this.diagonal((o) => o.lr, n);
    const before = params.map((p) => Float64Array.from(paramData(p)));
    let shift = 0;
    let scale = 1;
    for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(h[i * n + i]!));
    for (let attempt = 0; attempt < 60; attempt++) {
      const d = this.solve(h, g, damping, shift, n);
      if (d !== null) {
        params.forEach((p, k) => {
          const data = paramData(p);
          const offset = offsets[k]!;
          for (let i = 0; i < data.length; i++) data[i] = before[k]![i]! - lrs[offset + i]! * d[offset + i]!;
        });
        // An indefinite Hessian was shifted: accept the step only if it lowers the loss (Levenberg-Marquardt).
        if (shift === 0 || noGrad(closure).item() <= loss.item()) {
          this.lastShift = shift;
          return loss;
        }
      }
      shift = shift === 0 ? 1e-8 * scale : shift * 10;
    }
    params.forEach((p, k) => {
      paramData(p).set(before[k]!);
    });
    throw new Error("Newton: no damping of the Hessian gave a step that lowers the loss");
  }

  /** A per-element diagonal from a group option, in the order the parameters are flattened. */
  private diagonal(option: (g: NewtonOptions) => number, n: number): Float64Array {
    const out = new Float64Array(n);
    let offset = 0;
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        out.fill(option(group), offset, offset + p.size);
        offset += p.size;
      }
    }
    return out;
  }

  /** d solving (H + diag(damping) + shift I) d = g, or null when that matrix is not positive definite. */
  private solve(h: Float64Array, g: Float64Array, damping: Float64Array, shift: number, n: number) {
    const l = new Float64Array(n * n);
    const diag = damping.map((v) => v + shift);
    return cholesky(h, n, diag, l) ? choleskySolve(l, n, g) : null;
  }
}
