import { copyTangents, reachesLeaf, shapeStr, Tensor, transpose } from "@nablajs/tensor";

// Argument checks and tracing shared by the functional transforms.

export function checkFn(op: string, f: unknown, what = "f"): void {
  if (typeof f !== "function") throw new Error(`${op}: ${what} must be a function, got ${typeof f}`);
}

function describe(x: unknown): string {
  if (x instanceof Tensor) return `${x.dtype} ${shapeStr(x.shape)}`;
  return x === null ? "null" : Array.isArray(x) ? "an array" : typeof x;
}

/** Checks that `f` returned a float Tensor (and a scalar when `scalar`). */
export function checkOutput(op: string, out: unknown, scalar = false): Tensor {
  if (!(out instanceof Tensor)) throw new Error(`${op}: f must return a Tensor, got ${describe(out)}`);
  if (out.dtype === "int32") throw new Error(`${op}: f returned an int32 tensor, which has no gradient`);
  if (scalar && out.size !== 1)
    throw new Error(`${op}: f must return a scalar tensor, got shape ${shapeStr(out.shape)}`);
  return out;
}

/** Checks that `v` (a cotangent or tangent) is a Tensor of `like`'s shape and dtype. */
export function checkLike(op: string, what: string, v: unknown, like: Tensor, likeWhat: string): Tensor {
  if (!(v instanceof Tensor) || v.shape.join() !== like.shape.join() || v.dtype !== like.dtype) {
    throw new Error(`${op}: ${what} ${describe(v)} must match ${likeWhat} ${describe(like)}`);
  }
  return v;
}

export function argList(op: string, argnums: unknown, n: number): number[] {
  const list = typeof argnums === "number" ? [argnums] : Array.isArray(argnums) ? argnums.slice() : null;
  if (list === null || list.length === 0)
    throw new Error(`${op}: argnums must be an index or a non-empty array of indices`);
  for (const a of list) {
    if (!Number.isInteger(a) || a < 0 || a >= n)
      throw new Error(`${op}: argnums ${a} is out of range for ${n} argument${n === 1 ? "" : "s"}`);
  }
  if (new Set(list).size !== list.length) throw new Error(`${op}: repeated argnums [${list.join(",")}]`);
  return list;
}

/**
 * A differentiable stand-in for argument `i`: a fresh leaf for a plain tensor; for a tensor that
 * already requires a gradient (an outer transform is tracing it), a recorded identity view, so
 * the gradient is this argument's own and still flows on to the outer variable.
 */
export function trace(op: string, x: unknown, i: number): Tensor {
  checkArg(op, x, i);
  if (x.requiresGrad) return transpose(x, [...Array(x.ndim).keys()]);
  const t = new Tensor(x.data, x.shape, x.strides, x.offset);
  t.requiresGrad = true;
  // A tangent x carries (grad inside jvp: forward over reverse) is the stand-in's too.
  return copyTangents(x, t);
}

/** Checks that argument `i` is a float Tensor, which can be differentiated. */
export function checkArg(op: string, x: unknown, i: number): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${op}: argument ${i} must be a Tensor, got ${describe(x)}`);
  if (x.dtype === "int32")
    throw new Error(`${op}: argument ${i} is int32; only float tensors can be differentiated`);
}

/** Traces the arguments named by `argnums`; the others are passed through unchanged. */
export function traceArgs(op: string, args: readonly unknown[], argnums: unknown) {
  const which = argList(op, argnums, args.length);
  const xs = args.slice() as Tensor[];
  for (const a of which) xs[a] = trace(op, args[a], a);
  return { xs, wrt: which.map((a) => xs[a]!) };
}

/**
 * Whether derivatives of `outs` must themselves be recorded: when their graph reaches a tensor
 * that requires a gradient other than this transform's own stand-ins (an outer transform's
 * variable, directly or through a closure, or a parameter), so transforms nest.
 */
export function outerGraph(outs: readonly Tensor[], own: readonly Tensor[]): boolean {
  return reachesLeaf(outs, new Set(own));
}
