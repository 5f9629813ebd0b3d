import {
  concat,
  detach,
  enableGrad,
  reshape,
  shapeStr,
  stack,
  type Tensor,
  zeros,
  zerosLike,
} from "@nablajs/tensor";
import { runBackward } from "./engine.js";

/** Which arguments to differentiate: one index (the result is one gradient) or several (an array). */
export interface ArgnumsOptions {
  argnums?: number | readonly number[];
}

/**
 * A differentiable stand-in for an argument. A tensor that already requires a gradient (an outer
 * transform is tracing it) is used as is, so transforms nest: grad of grad, hessian = jacobian(grad).
 */
function trace(x: Tensor, op: string, i: number): Tensor {
  if (x === null || typeof x !== "object" || !("shape" in x))
    throw new Error(`${op}: argument ${i} must be a Tensor`);
  if (x.requiresGrad) return x;
  if (x.dtype === "int32")
    throw new Error(`${op}: argument ${i} is int32; only float tensors can be differentiated`);
  const t = detach(x);
  t.requiresGrad = true;
  return t;
}

/**
 * Gradients of sum(outputs[i] * cotangents[i]) with respect to `inputs` (zeros where an input
 * does not affect the outputs), without touching any `.grad`.
 */
export function gradients(
  outputs: readonly Tensor[],
  inputs: readonly Tensor[],
  cotangents: readonly Tensor[],
  opts: { createGraph?: boolean; retainGraph?: boolean } = {},
): Tensor[] {
  const live = outputs.map((o, i) => [o, cotangents[i]!] as const).filter(([o]) => o.requiresGrad);
  const grads = runBackward(
    live.map(([o]) => o),
    live.map(([, c]) => c),
    opts,
  );
  return inputs.map((x) => grads.get(x) ?? zerosLike(x));
}

function argList(argnums: number | readonly number[], n: number, op: string): number[] {
  const list = typeof argnums === "number" ? [argnums] : argnums.slice();
  for (const a of list) {
    if (!Number.isInteger(a) || a < 0 || a >= n)
      throw new Error(`${op}: argnums ${a} is out of range for ${n} arguments`);
  }
  return list;
}

function traced<A extends Tensor[]>(op: string, args: A, argnums: number | readonly number[]) {
  const which = argList(argnums, args.length, op);
  const nested = which.some((a) => args[a]!.requiresGrad);
  const xs = args.slice() as Tensor[];
  for (const a of which) xs[a] = trace(args[a]!, op, a);
  return { which, nested, xs, wrt: which.map((a) => xs[a]!) };
}

/** `valueAndGrad(f)` returns a function giving `[f(...args), gradient(s) of f]` (f must return a scalar). */
export function valueAndGrad<A extends Tensor[]>(f: (...args: A) => Tensor, opts: ArgnumsOptions = {}) {
  const argnums = opts.argnums ?? 0;
  return (...args: A): [Tensor, Tensor | Tensor[]] => {
    const { nested, xs, wrt } = traced("grad", args, argnums);
    const value = enableGrad(() => f(...(xs as A)));
    if (value.size !== 1)
      throw new Error(`grad: f must return a scalar tensor, got shape ${shapeStr(value.shape)}`);
    const gs = gradients([value], wrt, [zeros(value.shape, { dtype: value.dtype }).add(1)], {
      createGraph: nested,
    });
    return [nested ? value : detach(value), typeof argnums === "number" ? gs[0]! : gs];
  };
}

/** `grad(f)` returns a function computing the gradient of scalar-valued `f` (arrays for array `argnums`). */
export function grad<A extends Tensor[]>(f: (...args: A) => Tensor, opts: ArgnumsOptions = {}) {
  const vg = valueAndGrad(f, opts);
  return (...args: A): Tensor | Tensor[] => vg(...args)[1];
}

/** Returns `[f(...primals), vjpFn]`; `vjpFn(cotangent)` gives one gradient per primal (callable many times). */
export function vjp<A extends Tensor[]>(
  f: (...args: A) => Tensor,
  ...primals: A
): [Tensor, (cotangent: Tensor) => Tensor[]] {
  const { nested, xs } = traced("vjp", primals, [...primals.keys()]);
  const out = enableGrad(() => f(...(xs as A)));
  const vjpFn = (cotangent: Tensor): Tensor[] => {
    if (cotangent.shape.join() !== out.shape.join()) {
      throw new Error(
        `vjp: cotangent ${shapeStr(cotangent.shape)} must match the output ${shapeStr(out.shape)}`,
      );
    }
    return gradients([out], xs, [cotangent], { createGraph: nested, retainGraph: true });
  };
  return [nested ? out : detach(out), vjpFn];
}

/**
 * Forward-mode product: returns `[f(...primals), J t]` for tangents `t` (one per primal), by
 * differentiating the (linear) vector-Jacobian product once more with respect to its cotangent.
 */
export function jvp<A extends Tensor[]>(
  f: (...args: A) => Tensor,
  primals: A,
  tangents: readonly Tensor[],
): [Tensor, Tensor] {
  if (tangents.length !== primals.length)
    throw new Error(`jvp: ${primals.length} primals but ${tangents.length} tangents`);
  primals.forEach((p, i) => {
    if (p.shape.join() !== tangents[i]!.shape.join()) {
      throw new Error(
        `jvp: tangent ${i} ${shapeStr(tangents[i]!.shape)} must match primal ${shapeStr(p.shape)}`,
      );
    }
  });
  const { nested, xs } = traced("jvp", primals, [...primals.keys()]);
  const out = enableGrad(() => f(...(xs as A)));
  const u = zeros(out.shape, { dtype: out.dtype, requiresGrad: true });
  const gx = gradients([out], xs, [u], { createGraph: true });
  const [jt] = gradients(gx, [u], tangents, { createGraph: nested });
  return [nested ? out : detach(out), jt!];
}

/** `jacobian(f)` returns a function giving d f / d x with shape [...out.shape, ...x.shape]. */
export function jacobian<A extends Tensor[]>(f: (...args: A) => Tensor, opts: ArgnumsOptions = {}) {
  const argnums = opts.argnums ?? 0;
  return (...args: A): Tensor | Tensor[] => {
    const { nested, xs, wrt } = traced("jacobian", args, argnums);
    const out = enableGrad(() => f(...(xs as A)));
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

/** `hessian(f)` returns a function giving the matrix of second derivatives of scalar `f`: [n, n] for x [n]. */
export function hessian<A extends Tensor[]>(f: (...args: A) => Tensor, opts: { argnums?: number } = {}) {
  const argnums = opts.argnums ?? 0;
  return (...args: A): Tensor =>
    jacobian(grad(f, { argnums }) as (...a: A) => Tensor, { argnums })(...args) as Tensor;
}

/** The Hessian-vector product H(x) v of scalar `f`, without forming H. */
export function hvp(f: (x: Tensor) => Tensor, x: Tensor, v: Tensor): Tensor {
  if (v.shape.join() !== x.shape.join())
    throw new Error(`hvp: v ${shapeStr(v.shape)} must match x ${shapeStr(x.shape)}`);
  const { nested, xs } = traced("hvp", [x], 0);
  const g = grad(f)(xs[0]!) as Tensor;
  return gradients([g], xs, [v], { createGraph: nested })[0]!;
}

/** Flattens and joins tensors into one vector (used by the checks). */
export function flatConcat(ts: readonly Tensor[]): Tensor {
  return concat(ts.map((t) => reshape(t, [-1])));
}
