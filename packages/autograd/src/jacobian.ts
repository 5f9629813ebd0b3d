import {
  enableGrad,
  gradients,
  MissingJvpError,
  pushforward,
  reshape,
  stack,
  type Tensor,
  zeros,
  zerosLike,
} from "@nablajs/tensor";
import { forwardJacobian } from "./forward.js";
import { type ArgnumsOptions, traceGrad } from "./functional.js";
import { argList, checkFn, checkLike, checkOutput, outerGraph, traceArgs } from "./trace.js";

/** `fast()`, or `fallback()` when forward mode meets a custom op without a tangent rule. */
function forwardOr<T>(fast: () => T, fallback: () => T): T {
  try {
    return fast();
  } catch (e) {
    if (e instanceof MissingJvpError) return fallback();
    throw e;
  }
}

/** The rows of d out / d wrt in reverse mode: one vector-Jacobian product per output element. */
function reverseRows(out: Tensor, wrt: readonly Tensor[], nested: boolean): Tensor[] {
  const rows: Tensor[][] = wrt.map(() => []);
  for (let k = 0; k < out.size; k++) {
    const e = zeros([out.size], { dtype: out.dtype });
    e.data[k] = 1;
    const gs = gradients([out], wrt, [reshape(e, out.shape)], { createGraph: nested, retainGraph: true });
    gs.forEach((g, i) => {
      rows[i]!.push(g);
    });
  }
  return wrt.map((x, i) =>
    out.size === 0
      ? zeros([...out.shape, ...x.shape], { dtype: x.dtype })
      : reshape(stack(rows[i]!), [...out.shape, ...x.shape]),
  );
}

/** f traced for reverse mode at `args`: its output, the traced arguments and whether to record. */
function traceOut<A extends Tensor[]>(op: string, f: (...args: A) => Tensor, args: A, argnums: unknown) {
  const { xs, wrt } = traceArgs(op, args, argnums);
  const out = checkOutput(
    op,
    enableGrad(() => f(...(xs as A))),
  );
  return { out, wrt, nested: outerGraph([out], wrt) };
}

/**
 * `jacrev(f)` returns a function giving d f / d x in reverse mode, shape [...out.shape,
 * ...x.shape] (an array of them for an array `argnums`): one forward pass, then one
 * vector-Jacobian product per output element, so it suits functions with fewer outputs than inputs.
 */
export function jacrev<A extends Tensor[]>(f: (...args: A) => Tensor, opts: ArgnumsOptions = {}) {
  checkFn("jacrev", f);
  const argnums = opts.argnums ?? 0;
  return (...args: A): Tensor | Tensor[] => {
    const { out, wrt, nested } = traceOut("jacrev", f, args, argnums);
    const jacs = reverseRows(out, wrt, nested);
    return typeof argnums === "number" ? jacs[0]! : jacs;
  };
}

/**
 * `jacobian(f)` returns a function giving d f / d x with shape [...out.shape, ...x.shape] (an
 * array of them for an array `argnums`). It picks the mode by the Jacobian's shape: forward mode
 * (`jacfwd`, a pass per input element) when the inputs have fewer elements than the output,
 * reverse mode (`jacrev`, a backward pass per output element) otherwise, and reverse mode when
 * the function goes through a custom op that has no tangent rule. It runs `f` once in reverse
 * mode first to learn the output's size.
 */
export function jacobian<A extends Tensor[]>(f: (...args: A) => Tensor, opts: ArgnumsOptions = {}) {
  checkFn("jacobian", f);
  const argnums = opts.argnums ?? 0;
  return (...args: A): Tensor | Tensor[] => {
    const { out, wrt, nested } = traceOut("jacobian", f, args, argnums);
    const inputs = wrt.reduce((n, x) => n + x.size, 0);
    const reverse = () => reverseRows(out, wrt, nested);
    const jacs =
      inputs < out.size ? forwardOr(() => forwardJacobian("jacobian", f, args, argnums), reverse) : reverse();
    return typeof argnums === "number" ? jacs[0]! : jacs;
  };
}

/**
 * `hessian(f)` returns a function giving the second derivatives of scalar `f` with respect to
 * argument `argnums` (default 0): d2f / dx dx with shape [...x.shape, ...x.shape], [n, n] for x [n].
 * Forward over reverse (`jacfwd(grad(f))`, as JAX): one pass through f and its backward carries
 * the tangents of up to 64 columns. Through a custom op without a tangent rule it is computed
 * reverse over reverse (`jacrev(grad(f))`) instead.
 */
export function hessian<A extends Tensor[]>(f: (...args: A) => Tensor, opts: { argnums?: number } = {}) {
  checkFn("hessian", f);
  const argnums = opts.argnums ?? 0;
  if (typeof argnums !== "number") throw new Error("hessian: argnums must be one index");
  const g = (...args: A) => traceGrad("hessian", f, args, argnums).gs[0]!;
  return (...args: A): Tensor => {
    argList("hessian", argnums, args.length);
    return forwardOr(
      () => forwardJacobian("hessian", g, args, argnums)[0]!,
      () => {
        const { out, wrt, nested } = traceOut("hessian", g, args, argnums);
        return reverseRows(out, wrt, nested)[0]!;
      },
    );
  };
}

/**
 * The Hessian-vector product H(x) v of scalar `f` (v has x's shape), without forming H: forward
 * over reverse, the tangent of grad(f) along v (one pass through f and its backward). Through a
 * custom op without a tangent rule it is reverse over reverse instead.
 */
export function hvp(f: (x: Tensor) => Tensor, x: Tensor, v: Tensor): Tensor {
  checkFn("hvp", f);
  const { xs } = traceArgs("hvp", [x], 0);
  checkLike("hvp", "v", v, x, "x");
  const g = (y: Tensor) => traceGrad("hvp", f, [y], 0).gs[0]!;
  return forwardOr(
    () => pushforward((y) => [g(y)], [x], [[v]]).tangents[0]![0] ?? zerosLike(x),
    () => {
      const { gs } = traceGrad("hvp", f, xs as [Tensor], 0);
      return gradients(gs, xs, [v], { createGraph: outerGraph(gs, xs) })[0]!;
    },
  );
}
