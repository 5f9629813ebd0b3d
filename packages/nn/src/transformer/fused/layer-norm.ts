import {
  allocate,
  contiguousData,
  customGrad,
  enableGrad,
  getBackend,
  gradients,
  pushforward,
  Tensor,
  type TypedArray,
} from "@nablajs/tensor";
import { layerNorm } from "../../layers/layer-norm.js";

/** The per-row statistics the backward reuses: the mean and 1 / sqrt(var + eps) of each row. */
interface Stats {
  mean: TypedArray;
  rstd: TypedArray;
  x: TypedArray;
}

/**
 * layerNorm over the last axis as ONE op (torch.nn.functional.layer_norm with a 1-D shape):
 *   y = (x - mean) / sqrt(var + eps) * weight + bias       (biased variance, per row of n)
 * with one pass per row forward and a hand-written backward,
 *   x̂ = (x - mean) rstd,  dx = rstd (g w - mean(g w) - x̂ mean(g w x̂)),  dw = Σ g x̂,  db = Σ g,
 * instead of the composite's ~9 ops and ~20 in its backward (each a pass over memory and an
 * allocation): the backend's kernels (`attention.layerNorm`, native) when it has them, else the
 * loops here, whose statistics accumulate in float64. Higher-order passes and forward mode
 * differentiate the composite `layerNorm`. x [..., n], weight and bias [n] or null.
 */
export function fusedLayerNorm(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps: number): Tensor {
  const n = x.shape.at(-1)!;
  if (
    x.ndim === 0 ||
    (weight !== null && weight.shape.join() !== String(n)) ||
    (bias !== null && bias.shape.join() !== String(n))
  )
    return layerNorm(x, [n], weight, bias, eps); // the composite names the problem
  const inputs = [x, weight, bias].filter((t): t is Tensor => t !== null);
  const reference = (xs: readonly Tensor[]) => {
    let i = 1;
    const w = weight === null ? null : xs[i++]!;
    return layerNorm(xs[0]!, [n], w, bias === null ? null : xs[i]!, eps);
  };
  const op = customGrad<Tensor, Stats>(
    (xt) => {
      const xd = contiguousData(xt!);
      const w = weight === null ? null : contiguousData(weight);
      const b = bias === null ? null : contiguousData(bias);
      const kernel = getBackend().attention?.layerNorm;
      if (kernel) {
        const r = kernel(n, eps, xd, w, b);
        return { outputs: new Tensor(r.y, x.shape), saved: { mean: r.mean, rstd: r.rstd, x: xd } };
      }
      const rows = xd.length / n;
      const y = allocate(x.dtype, xd.length);
      const mean = new Float64Array(rows);
      const rstd = new Float64Array(rows);
      for (let r = 0, o = 0; r < rows; r++, o += n) {
        let s = 0;
        for (let j = 0; j < n; j++) s += xd[o + j]!;
        const m = s / n;
        let v = 0;
        for (let j = 0; j < n; j++) v += (xd[o + j]! - m) ** 2;
        const k = 1 / Math.sqrt(v / n + eps);
        mean[r] = m;
        rstd[r] = k;
        for (let j = 0; j < n; j++) y[o + j] = (xd[o + j]! - m) * k * (w ? w[j]! : 1) + (b ? b[j]! : 0);
      }
      return { outputs: new Tensor(y, x.shape), saved: { mean, rstd, x: xd } };
    },
    (g, ins, _out, ctx) => {
      if (ctx.createGraph)
        return enableGrad(() => gradients([reference(ins)], ins, [g], { createGraph: true }));
      const { mean, rstd, x: xd } = ctx.saved;
      const gd = contiguousData(g);
      const w = weight === null ? null : contiguousData(weight);
      const grads: (Tensor | null)[] = [];
      const wants = { w: weight?.requiresGrad ?? false, b: bias?.requiresGrad ?? false };
      const kernel = getBackend().attention?.layerNormBackward;
      if (kernel) {
        const r = kernel(n, xd, w, mean, rstd, gd, wants);
        grads.push(x.requiresGrad ? new Tensor(r.dx, x.shape) : null);
        if (weight !== null) grads.push(r.dw && new Tensor(r.dw, [n]));
        if (bias !== null) grads.push(r.db && new Tensor(r.db, [n]));
        return grads;
      }
      const dx = allocate(x.dtype, xd.length);
      const dw = new Float64Array(n);
      const db = new Float64Array(n);
      for (let r = 0, o = 0; r < mean.length; r++, o += n) {
        const [m, k] = [mean[r]!, rstd[r]!];
        let a = 0; // Σ g w
        let c = 0; // Σ g w x̂
        for (let j = 0; j < n; j++) {
          const gw = gd[o + j]! * (w ? w[j]! : 1);
          const xh = (xd[o + j]! - m) * k;
          a += gw;
          c += gw * xh;
          dw[j]! += gd[o + j]! * xh;
          db[j]! += gd[o + j]!;
        }
        a /= n;
        c /= n;
        for (let j = 0; j < n; j++) {
          const xh = (xd[o + j]! - m) * k;
          dx[o + j] = k * (gd[o + j]! * (w ? w[j]! : 1) - a - xh * c);
        }
      }
      const as = (d: Float64Array) => new Tensor(x.dtype === "float64" ? d : Float32Array.from(d), [n]);
      grads.push(x.requiresGrad ? new Tensor(dx, x.shape) : null);
      if (weight !== null) grads.push(wants.w ? as(dw) : null);
      if (bias !== null) grads.push(wants.b ? as(db) : null);
      return grads;
    },
    {
      name: "layerNorm",
      differentiable: true,
      jvp: (ts, ins) => pushforward((...xs) => [reference(xs)], ins, [ts]).tangents[0]![0]!,
    },
  );
  return op(...inputs);
}
