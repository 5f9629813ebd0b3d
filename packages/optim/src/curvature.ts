import { enableGrad, gradients, onesLike, Tensor } from "@nablajs/tensor";
import { numel } from "./flat.js";

/** One flat float64 vector of the tensors' elements. */
export function flatten(ts: readonly Tensor[], n = numel(ts)): Float64Array {
  const out = new Float64Array(n);
  let offset = 0;
  for (const t of ts) {
    out.set(t.toTypedArray(), offset);
    offset += t.size;
  }
  return out;
}

/** The slices of the flat vector `v` shaped like each parameter, in its dtype. */
export function unflatten(v: Float64Array, params: readonly Tensor[]): Tensor[] {
  let offset = 0;
  return params.map((p) => {
    const slice = v.subarray(offset, offset + p.size);
    offset += p.size;
    return new Tensor(p.dtype === "float64" ? slice : Float32Array.from(slice), p.shape);
  });
}

/** The gradient of a loss and products of its Hessian with vectors, all over the parameters flattened. */
export interface Curvature {
  /** The gradient, flattened. */
  grad: Float64Array;
  /** `H v` for a flat `v`: `d(g.v)/dx`, one backward pass through the gradient's graph. */
  hvp: (v: Float64Array) => Float64Array;
}

/**
 * The gradient `g` of the scalar `loss` over `params` (computed with `createGraph`, i.e.
 * torch.autograd.grad(create_graph=True)), and the Hessian-vector product
 * `H v = grad_x (g(x) . v)` by differentiating `g.v` once more (Pearlmutter 1994,
 * https://doi.org/10.1162/neco.1994.6.1.147): the cost of one more gradient, no matrix formed.
 */
export function curvature(loss: Tensor, params: readonly Tensor[]): Curvature {
  const n = numel(params);
  if (!loss.requiresGrad) return { grad: new Float64Array(n), hvp: () => new Float64Array(n) };
  const grads = enableGrad(() => gradients([loss], params, [onesLike(loss)], { createGraph: true }));
  return {
    grad: flatten(grads, n),
    hvp: (v) => flatten(gradients(grads, params, unflatten(v, params), { retainGraph: true }), n),
  };
}
