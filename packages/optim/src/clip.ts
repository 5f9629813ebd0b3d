import { contiguousData, Tensor, toTypedArray } from "@nablajs/tensor";
import type { FloatArray } from "./optimizer.js";

function withGrads(op: string, params: Tensor | Iterable<Tensor>): Tensor[] {
  const list = params instanceof Tensor ? [params] : [...params];
  return list.flatMap((p, i) => {
    if (!(p instanceof Tensor)) throw new Error(`${op}: parameter ${i} is not a Tensor`);
    return p.grad === null ? [] : [p];
  });
}

/**
 * Which gradients may be written in place: contiguous, not on a graph (a createGraph gradient is
 * replaced instead), and overlapping no other gradient's storage, so a buffer shared by two
 * parameters is never edited twice.
 */
function writableInPlace(grads: readonly Tensor[]): boolean[] {
  const ok = grads.map((g) => g.isContiguous && !g.requiresGrad);
  const ranges = new Map<ArrayBufferLike, [start: number, end: number, index: number][]>();
  grads.forEach((g, i) => {
    if (!ok[i]) return;
    const start = g.data.byteOffset + g.offset * g.data.BYTES_PER_ELEMENT;
    const end = start + g.size * g.data.BYTES_PER_ELEMENT;
    const seen = ranges.get(g.data.buffer) ?? [];
    for (const [s, e, j] of seen) {
      if (start < e && s < end) ok[i] = ok[j] = false;
    }
    seen.push([start, end, i]);
    ranges.set(g.data.buffer, seen);
  });
  return ok;
}

/**
 * Applies `edit` to the elements [from, to) of every gradient: in place where allowed, else to
 * a fresh copy that replaces `p.grad`. Copies are made first, before any in-place write.
 */
function editGrads(params: readonly Tensor[], edit: (d: FloatArray, from: number, to: number) => void): void {
  const grads = params.map((p) => p.grad!);
  const inPlace = writableInPlace(grads);
  params.forEach((p, i) => {
    if (inPlace[i]) return;
    const d = toTypedArray(grads[i]!) as FloatArray;
    edit(d, 0, d.length);
    p.grad = new Tensor(d, grads[i]!.shape);
  });
  grads.forEach((g, i) => {
    if (inPlace[i]) edit(g.data as FloatArray, g.offset, g.offset + g.size);
  });
}

/** The p-norm of one gradient's elements (the largest |g| for Infinity). */
function norm(g: Tensor, p: number): number {
  const d = contiguousData(g);
  let s = 0;
  if (p === Infinity) {
    for (let i = 0; i < d.length; i++) s = Math.max(s, Math.abs(d[i]!));
    return s;
  }
  if (p === 2) {
    for (let i = 0; i < d.length; i++) s += d[i]! * d[i]!;
    return Math.sqrt(s);
  }
  for (let i = 0; i < d.length; i++) s += Math.abs(d[i]!) ** p;
  return s ** (1 / p);
}

function checkNormType(op: string, normType: number): void {
  if (typeof normType !== "number" || !(normType > 0)) {
    throw new Error(`${op}: normType must be a positive number or Infinity, got ${normType}`);
  }
}

/** The `normType`-norm of per-tensor norms: the norm of all elements as one vector. */
function combine(norms: readonly number[], normType: number): number {
  if (normType === Infinity) return norms.reduce((m, v) => Math.max(m, v), 0);
  if (normType === 2) return Math.sqrt(norms.reduce((s, v) => s + v * v, 0));
  return norms.reduce((s, v) => s + v ** normType, 0) ** (1 / normType);
}

/**
 * The `normType`-norm of all the elements of `tensors` taken as one vector (2 by default;
 * Infinity for the largest |x|), as torch.nn.utils.get_total_norm: pass the gradients
 * (`params.map((p) => p.grad)`) to log their norm, or to clip with `clipGradsWithNorm`.
 */
export function getTotalNorm(tensors: Tensor | Iterable<Tensor>, normType = 2): number {
  checkNormType("getTotalNorm", normType);
  const list = tensors instanceof Tensor ? [tensors] : [...tensors];
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new Error(`getTotalNorm: tensor ${i} is not a Tensor`);
  });
  return combine(
    list.map((t) => norm(t, normType)),
    normType,
  );
}

function checkMaxNorm(op: string, maxNorm: number): void {
  if (typeof maxNorm !== "number" || !(maxNorm >= 0)) {
    throw new Error(`${op}: maxNorm must be a non-negative number, got ${maxNorm}`);
  }
}

/** Multiplies the gradients of `ps` by maxNorm / (total + 1e-6) when that is below 1 (not for NaN). */
function scaleGrads(ps: readonly Tensor[], maxNorm: number, total: number): void {
  const coef = maxNorm / (total + 1e-6);
  if (!(coef < 1)) return;
  editGrads(ps, (d, from, to) => {
    for (let i = from; i < to; i++) d[i]! *= coef;
  });
}

/**
 * Scales every gradient of `params` in place by `min(1, maxNorm / (totalNorm + 1e-6))`, as
 * torch.nn.utils.clip_grads_with_norm_: `clipGradNorm` with a total norm computed beforehand (by
 * `getTotalNorm`, or with per-tensor norms you log anyway), so the gradients are read once. A NaN
 * total (from a NaN gradient) leaves the gradients as they are, as in `clipGradNorm`.
 */
export function clipGradsWithNorm(
  params: Tensor | Iterable<Tensor>,
  maxNorm: number,
  totalNorm: number,
): void {
  checkMaxNorm("clipGradsWithNorm", maxNorm);
  if (typeof totalNorm !== "number" || totalNorm < 0) {
    throw new Error(`clipGradsWithNorm: totalNorm must be a non-negative number, got ${totalNorm}`);
  }
  scaleGrads(withGrads("clipGradsWithNorm", params), maxNorm, totalNorm);
}

/**
 * Clips gradients by their global norm, as torch.nn.utils.clip_grad_norm_: the total norm is the
 * `normType`-norm of the per-parameter norms (2 by default; Infinity for the largest |g|); when
 * `maxNorm / (total + 1e-6) < 1` every gradient is multiplied by that factor, in place. Returns
 * the total norm before clipping (0 when no parameter has a gradient). It is `getTotalNorm` of
 * the gradients followed by `clipGradsWithNorm`.
 */
export function clipGradNorm(params: Tensor | Iterable<Tensor>, maxNorm: number, normType = 2): number {
  checkMaxNorm("clipGradNorm", maxNorm);
  checkNormType("clipGradNorm", normType);
  const ps = withGrads("clipGradNorm", params);
  if (ps.length === 0) return 0;
  const total = combine(
    ps.map((p) => norm(p.grad!, normType)),
    normType,
  );
  scaleGrads(ps, maxNorm, total);
  return total;
}

/** Clamps every gradient element into [-clipValue, clipValue], in place, as torch.nn.utils.clip_grad_value_. */
export function clipGradValue(params: Tensor | Iterable<Tensor>, clipValue: number): void {
  if (typeof clipValue !== "number" || !(clipValue >= 0)) {
    throw new Error(`clipGradValue: clipValue must be a non-negative number, got ${clipValue}`);
  }
  const lo = -clipValue;
  editGrads(withGrads("clipGradValue", params), (d, from, to) => {
    for (let i = from; i < to; i++) {
      const v = d[i]!;
      d[i] = v > clipValue ? clipValue : v < lo ? lo : v;
    }
  });
}
