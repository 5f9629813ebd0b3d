import {
  allocate,
  contiguousData,
  customGrad,
  mul,
  reshape,
  softmax,
  sub,
  sum,
  Tensor,
} from "@nablajs/tensor";
import { type ClassLossOptions, type ClassTargets, classTargets, targetWeights } from "./class-targets.js";

/** Options of `crossEntropy`. */
export interface CrossEntropyOptions extends ClassLossOptions {
  /** Mixes the one-hot target with the uniform distribution: `(1 - eps) onehot + eps / C` (default 0). */
  labelSmoothing?: number;
}

interface Saved {
  ct: ClassTargets;
  eps: number;
  /** log(sum(exp(x))) of each row, kept from the forward pass. */
  lse: Float64Array;
  /** 1 / (summed target weight) for `'mean'`, else 1. */
  scale: number;
}

/** The row weights a_i = sum_c q_ic and the target weights q (see `targetWeights`), as dense arrays. */
function weightsOf({ ct, eps }: Saved): [Float64Array, Float64Array] {
  const q = targetWeights(ct, eps, new Float64Array(ct.rows * ct.classes));
  const a = new Float64Array(ct.rows);
  for (let i = 0; i < ct.rows; i++)
    for (let c = 0; c < ct.classes; c++) a[i] = a[i]! + q[i * ct.classes + c]!;
  return [a, q];
}

/** The cotangent of each row's loss: g itself for `'none'`, the scalar g times `scale` otherwise. */
function rowCotangent(g: Tensor, s: Saved): Tensor {
  const gs = s.scale === 1 ? g : mul(g, s.scale);
  return s.ct.reduction === "none" ? reshape(gs, [...s.ct.outShape, 1]) : gs;
}

/** d loss_i / dx_i = a_i softmax(x_i) - q_i, in differentiable ops: softmax minus the (weighted, smoothed) one-hot target. */
function localGrad(x: Tensor, s: Saved): Tensor {
  const [a, q] = weightsOf(s);
  const dt = x.dtype;
  const aT = new Tensor(allocate(dt, a.length), [...s.ct.outShape, 1]);
  aT.data.set(a);
  const qT = new Tensor(allocate(dt, q.length), x.shape);
  qT.data.set(q);
  return sub(mul(softmax(x, -1), aT), qT);
}

// d loss / dx = g (a * softmax(x) - q), for a Hessian (createGraph) in differentiable ops.
function recordedGrad(g: Tensor, x: Tensor, s: Saved): Tensor {
  return mul(rowCotangent(g, s), localGrad(x, s));
}

// d loss_i = sum_c (a_i softmax(x_i)_c - q_ic) dx_ic per row, then reduced as the loss is.
function tangent(dx: Tensor, x: Tensor, s: Saved): Tensor {
  const rows = sum(mul(localGrad(x, s), dx), -1);
  return s.ct.reduction === "none" ? rows : mul(sum(rows), s.scale);
}

/** The first-order gradient in one loop: g_i (a_i exp(x_ic - lse_i) - q_ic). */
function fastGrad(g: Tensor, x: Tensor, s: Saved): Tensor {
  const { rows, classes: C, y, w, reduction } = s.ct;
  const xs = contiguousData(x);
  const gs = contiguousData(g);
  const out = new Tensor(allocate(x.dtype, rows * C), x.shape);
  const d = out.data;
  let wSum = C;
  if (w !== null) wSum = w.reduce((acc, v) => acc + v, 0);
  for (let i = 0; i < rows; i++) {
    const yi = y[i]!;
    if (yi < 0) continue;
    const gi = (reduction === "none" ? gs[i]! : gs[0]!) * s.scale;
    const wy = (1 - s.eps) * (w === null ? 1 : w[yi]!);
    const ai = wy + (s.eps / C) * wSum;
    const lse = s.lse[i]!;
    for (let c = 0; c < C; c++) {
      const q = (s.eps / C) * (w === null ? 1 : w[c]!) + (c === yi ? wy : 0);
      d[i * C + c] = gi * (ai * Math.exp(xs[i * C + c]! - lse) - q);
    }
  }
  return out;
}

/** Per-row losses sum_c q_ic (lse_i - x_ic), with lse_i = log(sum_c exp(x_ic)) shifted by the row max. */
function forward(xs: ArrayLike<number>, s: Saved): Float64Array {
  const { rows, classes: C, y, w } = s.ct;
  const losses = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const base = i * C;
    let m = -Infinity;
    for (let c = 0; c < C; c++) m = Math.max(m, xs[base + c]!);
    if (!Number.isFinite(m)) m = 0; // NOTE: an all -Infinity row would give -inf - -inf = NaN.
    let e = 0;
    for (let c = 0; c < C; c++) e += Math.exp(xs[base + c]! - m);
    const lse = m + Math.log(e);
    s.lse[i] = lse;
    const yi = y[i]!;
    if (yi < 0) continue;
    let loss = (1 - s.eps) * (w === null ? 1 : w[yi]!) * (lse - xs[base + yi]!);
    if (s.eps > 0) {
      let smooth = 0;
      for (let c = 0; c < C; c++) smooth += (w === null ? 1 : w[c]!) * (lse - xs[base + c]!);
      loss += (s.eps / C) * smooth;
    }
    losses[i] = loss;
  }
  return losses;
}

/** Neumaier-compensated sum, so long batches of losses keep their digits. */
function compensatedSum(v: Float64Array): number {
  let s = 0;
  let comp = 0;
  for (let i = 0; i < v.length; i++) {
    const t = s + v[i]!;
    comp += Math.abs(s) >= Math.abs(v[i]!) ? s - t + v[i]! : v[i]! - t + s;
    s = t;
  }
  return s + comp;
}

/**
 * Cross-entropy between `logits` [..., C] (class axis last) and int32 class `targets` [...]:
 * `loss_i = -sum_c q_ic log softmax(x_i)_c` with `q_i = w * ((1 - eps) onehot(y_i) + eps / C)`,
 * reduced by `'mean'` (divided by the summed weight of non-ignored targets, as PyTorch), `'sum'`
 * or `'none'` (shape [...]). Targets equal to `ignoreIndex` contribute nothing.
 *
 * The gradient is the closed form `g (a_i softmax(x_i) - q_i)` with `a_i = sum_c q_ic`, which is
 * `softmax(x) - onehot(y)` in the plain case; it is itself differentiable (Hessians work), and
 * forward mode has its rule: the tangent of a row's loss is `sum_c (a_i softmax(x_i) - q_i)_c dx_ic`.
 */
export function crossEntropy(logits: Tensor, targets: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  const ct = classTargets("crossEntropy", logits, targets, opts, "logits");
  const eps = opts.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1)) throw new Error(`crossEntropy: labelSmoothing must be in [0, 1], got ${eps}`);
  // NOTE: fused rather than composed from logSoftmax: one pass over the logits, no [N, C]
  // intermediates, and a first-order backward that is a single loop over softmax - onehot.
  const op = customGrad(
    (x: Tensor) => {
      const saved: Saved = { ct, eps, lse: new Float64Array(ct.rows), scale: 1 };
      const losses = forward(contiguousData(x), saved);
      let out: Tensor;
      if (ct.reduction === "none") {
        out = new Tensor(allocate(x.dtype, ct.rows), ct.outShape);
        out.data.set(losses);
      } else {
        out = new Tensor(allocate(x.dtype, 1), []);
        if (ct.reduction === "mean") saved.scale = 1 / ct.total;
        out.data[0] = compensatedSum(losses) / (ct.reduction === "mean" ? ct.total : 1);
      }
      return { outputs: out, saved };
    },
    (g, [x], _, ctx) => [ctx.createGraph ? recordedGrad(g, x!, ctx.saved) : fastGrad(g, x!, ctx.saved)],
    {
      name: "crossEntropy",
      differentiable: true,
      jvp: ([dx], [x], _, ctx) => (dx ? tangent(dx, x!, ctx.saved) : null),
    },
  );
  return op(logits);
}
