import type { TypedArray } from "../../dtype.js";
import type { ReduceOp, View } from "../backend.js";
import { copy } from "./elementwise.js";
import { isDense } from "./rows.js";

type RowReduce = (x: TypedArray, base: number, len: number) => number;

// NOTE: one small function per op (as the elementwise kernels): V8 optimises each loop better than
// one loop body switching over the ops, and the comparison is fixed per loop.
const rowReduces: Record<ReduceOp, RowReduce> = {
  sum: (x, base, len) => {
    // Neumaier-compensated in float64 for float64 data; float32 data sums in float64 exactly enough.
    let s = 0;
    if (!(x instanceof Float64Array)) {
      for (let i = 0; i < len; i++) s += x[base + i]!;
      return s;
    }
    let c = 0;
    for (let i = 0; i < len; i++) {
      const v = x[base + i]!;
      const t = s + v;
      c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
      s = t;
    }
    return Number.isFinite(s) ? s + c : s; // an infinity makes c NaN (inf - inf); s is right
  },
  max: (x, base, len) => {
    let m = len > 0 ? x[base]! : -Infinity;
    for (let i = 1; i < len; i++) {
      const v = x[base + i]!;
      if (v > m) m = v;
      else if (v !== v) return v; // NaN wins, as in PyTorch
    }
    return m;
  },
  min: (x, base, len) => {
    let m = len > 0 ? x[base]! : Infinity;
    for (let i = 1; i < len; i++) {
      const v = x[base + i]!;
      if (v < m) m = v;
      else if (v !== v) return v;
    }
    return m;
  },
  argmax: (x, base, len) => {
    let m = x[base]!;
    if (m !== m) return 0;
    let k = 0;
    for (let i = 1; i < len; i++) {
      const v = x[base + i]!;
      if (v > m) {
        m = v;
        k = i;
      } else if (v !== v) return i; // the first NaN, as in PyTorch
    }
    return k;
  },
  argmin: (x, base, len) => {
    let m = x[base]!;
    if (m !== m) return 0;
    let k = 0;
    for (let i = 1; i < len; i++) {
      const v = x[base + i]!;
      if (v < m) {
        m = v;
        k = i;
      } else if (v !== v) return i;
    }
    return k;
  },
};

/** Reduces contiguous rows: out[r] = op(x[off + r*len .. off + (r+1)*len)). */
function reduceRows(
  op: ReduceOp,
  x: TypedArray,
  off: number,
  rows: number,
  len: number,
  out: TypedArray,
): void {
  const f = rowReduces[op];
  for (let r = 0; r < rows; r++) out[r] = f(x, off + r * len, len);
}

/** Sums or maxes over a leading block of axes of contiguous data: accumulates whole rows. */
function reduceLeading(
  op: "sum" | "max" | "min",
  x: TypedArray,
  off: number,
  rows: number,
  len: number,
  out: TypedArray,
) {
  const acc = new Float64Array(len);
  const comp = op === "sum" && x instanceof Float64Array ? new Float64Array(len) : null;
  for (let i = 0; i < len; i++)
    acc[i] = rows > 0 ? x[off + i]! : op === "sum" ? 0 : op === "max" ? -Infinity : Infinity;
  for (let r = 1; r < rows; r++) {
    const base = off + r * len;
    if (op === "sum" && comp !== null)
      for (let i = 0; i < len; i++) {
        // Neumaier, per column, as in reduceRows: float64 data keeps its digits
        const s = acc[i]!;
        const v = x[base + i]!;
        const t = s + v;
        comp[i]! += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
        acc[i] = t;
      }
    else if (op === "sum") for (let i = 0; i < len; i++) acc[i]! += x[base + i]!;
    else if (op === "max")
      for (let i = 0; i < len; i++) {
        const v = x[base + i]!;
        if (v > acc[i]! || v !== v) acc[i] = v;
      }
    else
      for (let i = 0; i < len; i++) {
        const v = x[base + i]!;
        if (v < acc[i]! || v !== v) acc[i] = v;
      }
  }
  for (let i = 0; i < len; i++) {
    const s = acc[i]!;
    out[i] = comp === null || !Number.isFinite(s) ? s : s + comp[i]!;
  }
}

export function reduce(op: ReduceOp, x: View, axes: readonly number[], out: TypedArray): void {
  const nd = x.shape.length;
  const reduced = new Set(axes);
  const kept = [...Array(nd).keys()].filter((a) => !reduced.has(a));
  let len = 1;
  for (const a of axes) len *= x.shape[a]!;
  const rows = out.length;
  const dense = isDense(x.shape, x.strides);
  const isLeading = axes.every((a, i) => a === i);
  if (dense && (op === "sum" || op === "max" || op === "min") && isLeading && axes.length < nd && len > 1) {
    reduceLeading(op, x.data, x.offset, len, rows, out);
    return;
  }
  const perm = [...kept, ...axes];
  const shape = perm.map((a) => x.shape[a]!);
  const strides = perm.map((a) => x.strides[a]!);
  if (isDense(shape, strides)) {
    reduceRows(op, x.data, x.offset, rows, len, out);
    return;
  }
  const tmp = new (x.data.constructor as new (n: number) => TypedArray)(rows * len);
  copy({ data: x.data, shape, strides, offset: x.offset }, tmp);
  reduceRows(op, tmp, 0, rows, len, out);
}
