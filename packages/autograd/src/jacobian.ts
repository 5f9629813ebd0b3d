import { detach, enableGrad, gradients, reshape, stack, type Tensor, zeros } from "@nablajs/tensor";
import { traceGrad } from "./functional.js";
import { argList, checkFn, checkLike, checkOutput, outerGraph, traceArgs } from "./trace.js";

/**
 * Forward-mode product: returns `[f(...primals), J t]` for tangents `t` (one per primal, same
 * shapes), computed by differentiating the vector-Jacobian product u -> u^T J, which is linear in
 * u, once more with respect to u (the "double-vjp" trick).
 */
export function jvp<A extends Tensor[]>(
  f: (...args: A) => Tensor,
  primals: A,
  tangents: readonly Tensor[],
): [Tensor, Tensor] {
  checkFn("jvp", f);
  if (!Array.isArray(primals) || !Array.isArray(tangents))
    throw new Error("jvp: primals and tangents must be arrays of tensors");
  if (tangents.length !== primals.length)
    throw new Error(`jvp: ${primals.length} primals but ${tangents.length} tangents`);
  const { xs } = traceArgs("jvp", primals, [...primals.keys()]);
  tangents.forEach((t, i) => {
    checkLike("jvp", `tangent ${i}`, t, primals[i]!, `primal ${i}`);
  });
  const out = checkOutput(
    "jvp",
    enableGrad(() => f(...(xs as A))),
  );
  const nested = outerGraph([out], xs);
  const u = zeros(out.shape, { dtype: out.dtype, requiresGrad: true });
  const gx = gradients([out], xs, [u], { createGraph: true });
  const [jt] = gradients(gx, [u], tangents, { createGraph: nested });
  return [nested ? out : detach(out), jt!];
}

/**
 * `jacobian(f)` returns a function giving d f / d x with shape [...out.shape, ...x.shape] (an
 * array of them for an array `argnums`), one vector-Jacobian product per output element.
 */
export function jacobian<A extends Tensor[]>(
  f: (...args: A) => Tensor,
  opts: { argnums?: number | readonly number[] } = {},
) {
  checkFn("jacobian", f);
  const argnums = opts.argnums ?? 0;
  return (...args: A): Tensor | Tensor[] => {
    const { xs, wrt } = traceArgs("jacobian", args, argnums);
    const out = checkOutput(
      "jacobian",
      enableGrad(() => f(...(xs as A))),
    );
    const nested = outerGraph([out], wrt);
    const rows: Tensor[][] = wrt.map(() => []);
    for (let k = 0; k < out.size; k++) {
      const e = zeros([out.size], { dtype: out.dtype });
      e.data[k] = 1;
      const gs = gradients([out], wrt, [reshape(e, out.shape)], { createGraph: nested, retainGraph: true });
      gs.forEach((g, i) => {
        rows[i]!.push(g);
      });
    }
    const jacs = wrt.map((x, i) =>
      out.size === 0
        ? zeros([...out.shape, ...x.shape], { dtype: x.dtype })
        : reshape(stack(rows[i]!), [...out.shape, ...x.shape]),
    );
    return typeof argnums === "number" ? jacs[0]! : jacs;
  };
}

/**
 * `hessian(f)` returns a function giving the second derivatives of scalar `f` with respect to
 * argument `argnums` (default 0): d2f / dx dx with shape [...x.shape, ...x.shape], [n, n] for x [n].
 */
export function hessian<A extends Tensor[]>(f: (...args: A) => Tensor, opts: { argnums?: number } = {}) {
  checkFn("hessian", f);
  const argnums = opts.argnums ?? 0;
  if (typeof argnums !== "number") throw new Error("hessian: argnums must be one index");
  const g = (...args: A) => traceGrad("hessian", f, args, argnums).gs[0]!;
  return (...args: A): Tensor => {
    argList("hessian", argnums, args.length);
    return jacobian(g, { argnums })(...args) as Tensor;
  };
}

/** The Hessian-vector product H(x) v of scalar `f` (v has x's shape), without forming H. */
export function hvp(f: (x: Tensor) => Tensor, x: Tensor, v: Tensor): Tensor {
  checkFn("hvp", f);
  const { xs } = traceArgs("hvp", [x], 0);
  checkLike("hvp", "v", v, x, "x");
  const { gs } = traceGrad("hvp", f, xs as [Tensor], 0);
  return gradients(gs, xs, [v], { createGraph: outerGraph(gs, xs) })[0]!;
}
