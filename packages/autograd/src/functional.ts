import { concat, detach, enableGrad, ones, reshape, Tensor, zerosLike } from "@nablajs/tensor";
import { runBackward } from "./engine.js";
import { checkFn, checkLike, checkOutput, outerGraph, traceArgs } from "./trace.js";

/** Which arguments to differentiate: one index (the result is one gradient) or several (an array). */
export interface ArgnumsOptions {
  argnums?: number | readonly number[];
}

/**
 * Gradients of sum_i <outputs[i], cotangents[i]> with respect to `inputs` (zeros where an input
 * does not affect the outputs), without touching any `.grad`. As torch.autograd.grad:
 * `createGraph` records the computation so the result can be differentiated again.
 */
export function gradients(
  outputs: readonly Tensor[],
  inputs: readonly Tensor[],
  cotangents: readonly Tensor[],
  opts: { createGraph?: boolean; retainGraph?: boolean } = {},
): Tensor[] {
  if (!Array.isArray(outputs) || !Array.isArray(inputs) || !Array.isArray(cotangents))
    throw new Error("gradients: outputs, inputs and cotangents must be arrays of tensors");
  if (cotangents.length !== outputs.length)
    throw new Error(`gradients: ${outputs.length} outputs but ${cotangents.length} cotangents`);
  outputs.forEach((o, i) => {
    checkOutput("gradients", o);
    checkLike("gradients", `cotangent ${i}`, cotangents[i], o, `output ${i}`);
  });
  inputs.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new Error(`gradients: input ${i} must be a Tensor`);
  });
  const live = outputs.map((o, i) => [o, cotangents[i]!] as const).filter(([o]) => o.requiresGrad);
  const grads = runBackward(
    live.map(([o]) => o),
    live.map(([, c]) => c),
    { ...opts, keep: inputs },
  );
  return inputs.map((x) => grads.get(x) ?? zerosLike(x));
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
