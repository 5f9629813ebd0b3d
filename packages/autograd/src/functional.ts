import { concat, detach, enableGrad, gradients, ones, reshape, type Tensor } from "@nablajs/tensor";
import { checkFn, checkLike, checkOutput, outerGraph, traceArgs } from "./trace.js";

/** Which arguments to differentiate: one index (the result is one gradient) or several (an array). */
export interface ArgnumsOptions {
  argnums?: number | readonly number[];
}

/** f at the traced arguments, its gradient(s) and whether an outer graph is being recorded. */
export function traceGrad<A extends Tensor[]>(
  op: string,
  f: (...args: A) => Tensor,
  args: A,
  argnums: unknown,
) {
  checkFn(op, f);
  const { xs, wrt } = traceArgs(op, args, argnums);
  const value = checkOutput(
    op,
    enableGrad(() => f(...(xs as A))),
    true,
  );
  const nested = outerGraph([value], wrt);
  const gs = gradients([value], wrt, [ones(value.shape, { dtype: value.dtype })], { createGraph: nested });
  return { value: nested ? value : detach(value), gs, nested };
}

/**
 * `valueAndGrad(f)` returns a function giving `[f(...args), gradient(s) of f]`; f must return a
 * scalar. The gradient is one Tensor for a number `argnums` (default 0), an array for an array.
 */
export function valueAndGrad<A extends Tensor[]>(f: (...args: A) => Tensor, opts: ArgnumsOptions = {}) {
  checkFn("valueAndGrad", f);
  const argnums = opts.argnums ?? 0;
  return (...args: A): [Tensor, Tensor | Tensor[]] => {
    const { value, gs } = traceGrad("valueAndGrad", f, args, argnums);
    return [value, typeof argnums === "number" ? gs[0]! : gs];
  };
}

/**
 * `grad(f)` returns a function computing the gradient of scalar-valued `f` with respect to
 * argument `argnums` (default 0; an array of gradients for an array). Nests: grad(grad(f)).
 */
export function grad<A extends Tensor[]>(f: (...args: A) => Tensor, opts: ArgnumsOptions = {}) {
  checkFn("grad", f);
  const argnums = opts.argnums ?? 0;
  return (...args: A): Tensor | Tensor[] => {
    const { gs } = traceGrad("grad", f, args, argnums);
    return typeof argnums === "number" ? gs[0]! : gs;
  };
}

/**
 * Returns `[f(...primals), vjpFn]`; `vjpFn(cotangent)` gives one gradient per primal, the
 * vector-Jacobian product cotangent^T J (callable many times; the cotangent has f's output shape).
 */
export function vjp<A extends Tensor[]>(
  f: (...args: A) => Tensor,
  ...primals: A
): [Tensor, (cotangent: Tensor) => Tensor[]] {
  checkFn("vjp", f);
  const { xs } = traceArgs("vjp", primals, [...primals.keys()]);
  const out = checkOutput(
    "vjp",
    enableGrad(() => f(...(xs as A))),
  );
  const nested = outerGraph([out], xs);
  const vjpFn = (cotangent: Tensor): Tensor[] => {
    checkLike("vjp", "cotangent", cotangent, out, "the output");
    return gradients([out], xs, [cotangent], { createGraph: nested, retainGraph: true });
  };
  return [nested ? out : detach(out), vjpFn];
}

/** Flattens and joins tensors into one vector (used by the checks). */
export function flatConcat(ts: readonly Tensor[]): Tensor {
  return concat(ts.map((t) => reshape(t, [-1])));
}
