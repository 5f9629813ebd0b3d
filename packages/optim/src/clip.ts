import { mul, noGrad, Tensor } from "@nablajs/tensor";
import { elementsOf } from "./optimizer.js";

function gradsOf(op: string, params: Tensor | Iterable<Tensor>): Tensor[] {
  const list = params instanceof Tensor ? [params] : [...params];
  return list.flatMap((p, i) => {
    if (!(p instanceof Tensor)) throw new Error(`${op}: parameter ${i} is not a Tensor`);
    return p.grad === null ? [] : [p];
  });
}

/** Maps every element of `p.grad` through `transform`, in place when its storage is contiguous. */
function scaleGrad(p: Tensor, transform: (v: number) => number): void {
  const g = p.grad!;
  if (g.isContiguous && !g.requiresGrad) {
    const d = g.data;
    for (let i = g.offset; i < g.offset + g.size; i++) d[i] = transform(d[i]!);
    return;
  }
  const out = noGrad(() => mul(g, 1)).contiguous();
  for (let i = 0; i < out.size; i++) out.data[i] = transform(out.data[i]!);
  p.grad = out;
}

/** The p-norm of one gradient's elements (the largest |g| for Infinity). */
function norm(g: Tensor, p: number): number {
  const d = elementsOf(g);
  let s = 0;
  if (p === Infinity) {
    for (let i = 0; i < d.length; i++) s = Math.max(s, Math.abs(d[i]!));
    return s;
  }
  for (let i = 0; i < d.length; i++) s += p === 2 ? d[i]! * d[i]! : Math.abs(d[i]!) ** p;
  return p === 2 ? Math.sqrt(s) : s ** (1 / p);
}

/**
 * Clips gradients by their global norm, as torch.nn.utils.clip_grad_norm_: the total norm is the
 * `normType`-norm of the per-parameter norms (2 by default; Infinity for the largest |g|); when
 * `maxNorm / (total + 1e-6) < 1` every gradient is multiplied by that factor, in place. Returns
 * the total norm before clipping (0 when no parameter has a gradient).
 */
export function clipGradNorm(params: Tensor | Iterable<Tensor>, maxNorm: number, normType = 2): number {
  if (typeof maxNorm !== "number" || !(maxNorm >= 0)) {
    throw new Error(`clipGradNorm: maxNorm must be a non-negative number, got ${maxNorm}`);
  }
  if (typeof normType !== "number" || !(normType > 0)) {
    throw new Error(`clipGradNorm: normType must be a positive number or Infinity, got ${normType}`);
  }
  const withGrad = gradsOf("clipGradNorm", params);
  if (withGrad.length === 0) return 0;
  const norms = withGrad.map((p) => norm(p.grad!, normType));
  let total: number;
  if (normType === Infinity) total = Math.max(...norms);
  else if (normType === 2) total = Math.sqrt(norms.reduce((s, v) => s + v * v, 0));
  else total = norms.reduce((s, v) => s + v ** normType, 0) ** (1 / normType);
  const coef = maxNorm / (total + 1e-6);
  if (coef < 1) for (const p of withGrad) scaleGrad(p, (v) => v * coef);
  return total;
}

/** Clamps every gradient element into [-clipValue, clipValue], in place, as torch.nn.utils.clip_grad_value_. */
export function clipGradValue(params: Tensor | Iterable<Tensor>, clipValue: number): void {
  if (typeof clipValue !== "number" || !(clipValue >= 0)) {
    throw new Error(`clipGradValue: clipValue must be a non-negative number, got ${clipValue}`);
  }
  for (const p of gradsOf("clipGradValue", params)) {
    scaleGrad(p, (v) => (v > clipValue ? clipValue : v < -clipValue ? -clipValue : v));
  }
}
