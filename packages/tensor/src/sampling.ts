import { toTypedArray } from "./convert.js";
import { allocate } from "./dtype.js";
import { takeAlongAxis } from "./ops/take-along-axis.js";
import { assertTensor } from "./ops/util.js";
import { contiguous, detach, transpose } from "./ops/view.js";
import { defaultGenerator, type Generator } from "./random.js";
import { normAxis, shapeStr } from "./shape.js";
import { Tensor } from "./tensor.js";

/** Options of `multinomial`. */
export interface MultinomialOptions {
  /** Draw with replacement, so a class may come up more than once per row (default false). */
  replacement?: boolean;
  /** The seeded generator to draw from (default: the global one that `manualSeed` seeds). */
  generator?: Generator;
}

/**
 * Draws `numSamples` class indices from each row of non-negative weights `probs` ([C] or
 * [B, C]; rows need not sum to 1), as int32 [numSamples] or [B, numSamples]. Without
 * replacement (the default, as torch.multinomial) a class is drawn at most once per row.
 */
export function multinomial(probs: Tensor, numSamples: number, opts: MultinomialOptions = {}): Tensor {
  assertTensor("multinomial", probs);
  if (probs.ndim !== 1 && probs.ndim !== 2) {
    throw new Error(`multinomial: probs must be [C] or [B, C], got ${shapeStr(probs.shape)}`);
  }
  const c = probs.shape[probs.ndim - 1]!;
  const rows = probs.ndim === 2 ? probs.shape[0]! : 1;
  const replacement = opts.replacement ?? false;
  if (!Number.isInteger(numSamples) || numSamples <= 0 || (!replacement && numSamples > c)) {
    throw new Error(
      `multinomial: cannot draw ${numSamples} samples from ${c} classes (replacement=${replacement})`,
    );
  }
  const g = opts.generator ?? defaultGenerator;
  const p = toTypedArray(probs);
  const out = allocate("int32", rows * numSamples);
  const w = new Float64Array(c);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < c; j++) {
      const v = p[r * c + j]!;
      if (!(v >= 0) || v === Infinity)
        throw new Error(`multinomial: weights must be finite and >= 0, got ${v}`);
      w[j] = v;
    }
    for (let s = 0; s < numSamples; s++) {
      let total = 0;
      for (let j = 0; j < c; j++) total += w[j]!;
      if (total <= 0) throw new Error(`multinomial: row ${r} has no positive weight left`);
      let u = g.random() * total;
      let k = 0;
      while (k < c - 1 && (u >= w[k]! || w[k] === 0)) u -= w[k++]!;
      // NOTE: rounding in u -= w can run past the last positive weight onto trailing zeros.
      while (w[k] === 0) k--;
      out[r * numSamples + s] = k;
      if (!replacement) w[k] = 0;
    }
  }
  return new Tensor(out, probs.ndim === 2 ? [rows, numSamples] : [numSamples]);
}

/** The result of `topk`: destructure as `[values, indices]` or read `.values` and `.indices`. */
export type TopK = [Tensor, Tensor] & { values: Tensor; indices: Tensor };

/** The `k` largest entries along `axis`, largest first, with their int32 indices; the values are differentiable. */
export function topk(x: Tensor, k: number, axis = -1): TopK {
  assertTensor("topk", x);
  const a = normAxis("topk", axis, x.ndim);
  const n = x.shape[a] ?? 1;
  if (!Number.isInteger(k) || k < 0 || k > n)
    throw new Error(`topk: k=${k} is out of range for an axis of size ${n}`);
  const perm = [...Array(x.ndim).keys()].filter((d) => d !== a).concat(x.ndim > 0 ? [a] : []);
  const flat = toTypedArray(transpose(detach(x), perm)); // rows along the last axis
  const rows = flat.length / Math.max(n, 1);
  const idx = allocate("int32", rows * k);
  const order = new Array<number>(n);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < n; j++) order[j] = j;
    const base = r * n;
    // NaN counts as largest, as in PyTorch; ties keep the lower index first.
    const key = (j: number) => {
      const v = flat[base + j]!;
      return v !== v ? Infinity : v;
    };
    order.sort((i, j) => key(j) - key(i) || i - j);
    for (let j = 0; j < k; j++) idx[r * k + j] = order[j]!;
  }
  const movedShape = perm.map((d) => (d === a ? k : x.shape[d]!));
  const inverse = perm.map((_, i) => perm.indexOf(i));
  const indices = contiguous(transpose(new Tensor(idx, movedShape), inverse));
  const values = takeAlongAxis(x, indices, a); // differentiable: the gradient flows to the chosen entries
  return Object.assign([values, indices] as [Tensor, Tensor], { values, indices });
}
