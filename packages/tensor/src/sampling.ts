import { toTypedArray } from "./convert.js";
import { allocate, assertDType, type DType } from "./dtype.js";
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
 * [B, C]; rows need not sum to 1), as int32 [numSamples] or [B, numSamples], as torch.multinomial.
 * With replacement each draw inverts the cumulative weights at a uniform `u` (a binary search,
 * O(C + numSamples log C) per row). Without replacement (the default) a class is drawn at most
 * once per row, in the order of successive weighted draws: one draw inverts the weights; several
 * run the exponential race (Efraimidis & Spirakis 2006, https://doi.org/10.1016/j.ipl.2005.11.003):
 * each class gets a key `E_j / w_j` with `E_j ~ Exp(1)`, and the `numSamples` smallest keys, in
 * increasing order, are distributed exactly as draws that each renormalise the weights left
 * (O(C log C) per row, where removing each draw from the total would be O(C) per draw).
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
  const out = allocate("int32", rows * numSamples) as Int32Array;
  const w = new Float64Array(c);
  for (let r = 0; r < rows; r++) {
    let positive = 0;
    for (let j = 0; j < c; j++) {
      const v = p[r * c + j]!;
      if (!(v >= 0) || v === Infinity)
        throw new Error(`multinomial: weights must be finite and >= 0, got ${v}`);
      w[j] = v;
      if (v > 0) positive += 1;
    }
    if (positive < (replacement ? 1 : numSamples))
      throw new Error(`multinomial: row ${r} has no positive weight left`);
    const row = out.subarray(r * numSamples, (r + 1) * numSamples);
    if (replacement || numSamples === 1) drawInverse(w, g, row);
    else exponentialRace(w, g, row);
  }
  return new Tensor(out, probs.ndim === 2 ? [rows, numSamples] : [numSamples]);
}

/** Independent draws: the first class whose cumulative weight exceeds `u * total`. */
function drawInverse(w: Float64Array, g: Generator, out: Int32Array): void {
  const c = w.length;
  const cum = new Float64Array(c);
  let total = 0;
  for (let j = 0; j < c; j++) cum[j] = total += w[j]!;
  for (let s = 0; s < out.length; s++) {
    const u = g.random() * total;
    let [lo, hi] = [0, c - 1];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (u < cum[mid]!) hi = mid;
      else lo = mid + 1;
    }
    // NOTE: when u rounds up to the total, the search ends on trailing zero weights: step back.
    while (w[lo] === 0) lo--;
    out[s] = lo;
  }
}

/** The classes of the `out.length` smallest keys `E_j / w_j`, in increasing order of key. */
function exponentialRace(w: Float64Array, g: Generator, out: Int32Array): void {
  const c = w.length;
  const key = new Float64Array(c);
  const order: number[] = [];
  for (let j = 0; j < c; j++) {
    const e = -Math.log(1 - g.random()); // Exp(1); 1 - u is in (0, 1]
    if (w[j]! > 0) {
      key[j] = e / w[j]!;
      order.push(j);
    }
  }
  const idx = Int32Array.from(order);
  idx.sort((a, b) => key[a]! - key[b]! || a - b);
  out.set(idx.subarray(0, out.length));
}

/** Options of `randperm`. */
export interface RandpermOptions {
  /** The seeded generator to draw from (default: the global one that `manualSeed` seeds). */
  generator?: Generator;
  /** int32 (default), float32 or float64. */
  dtype?: DType;
}

/**
 * A uniformly random permutation of `0, 1, ..., n - 1` as a [n] tensor, as torch.randperm: the
 * Fisher-Yates shuffle (Durstenfeld 1964; Knuth, TAOCP vol. 2, Algorithm 3.4.2P), which swaps
 * each position `i` from the last down with a uniform position `j <= i`: O(n), one draw per
 * element, every permutation equally likely. Index a dataset with it to shuffle it:
 * `indexSelect(x, 0, randperm(x.shape[0], { generator }))`.
 */
export function randperm(n: number, opts: RandpermOptions = {}): Tensor {
  const dtype = assertDType("randperm", opts.dtype ?? "int32");
  const limit = dtype === "float32" ? 2 ** 24 : 2 ** 31;
  if (!Number.isInteger(n) || n < 0 || n > limit)
    throw new Error(`randperm: n must be an integer in [0, ${limit}] for ${dtype}, got ${n}`);
  const g = opts.generator ?? defaultGenerator;
  const out = allocate(dtype, n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.integer(0, i + 1);
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return new Tensor(out, [n]);
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
