import {
  BINARY,
  type ElementwiseKernels,
  type KernelArray,
  LAYOUT_CAPACITY,
  REDUCE,
  type StridedView,
  UNARY,
  writeLayout,
  writeReduceLayout,
} from "./elementwise.js";

/** A strided view with its storage (the shape of @nablajs/tensor's backend View). */
export interface KernelView extends StridedView {
  readonly data: KernelArray;
  readonly shape: readonly number[];
}

/** The elementwise kernels behind the signatures of @nablajs/tensor's Backend. */
export interface ElementwiseViews {
  /** out[i] = op(x[i]) over all elements in row-major order. */
  unary(op: keyof typeof UNARY, x: KernelView, out: KernelArray): void;
  /** out = op(a, b); `a` and `b` are already broadcast (stride 0) to out's shape. */
  binary(op: keyof typeof BINARY, a: KernelView, b: KernelView, out: KernelArray): void;
  /** out = cond != 0 ? a : b, all three broadcast to out's shape. */
  where(cond: KernelView, a: KernelView, b: KernelView, out: KernelArray): void;
  /** Copies a strided view into contiguous row-major `out` (also converts dtype). */
  copy(x: KernelView, out: KernelArray): void;
  /** Reduces over `axes`; out has the kept axes' elements in row-major order. */
  reduce(op: keyof typeof REDUCE, x: KernelView, axes: readonly number[], out: KernelArray): void;
}

/**
 * Adapts the addon's packed-layout functions to view arguments: each call writes its views into
 * one scratch Int32Array and makes one addon call.
 */
export function elementwiseViews(k: ElementwiseKernels): ElementwiseViews {
  const layout = new Int32Array(LAYOUT_CAPACITY);
  return {
    unary: (op, x, out) => k.unary(UNARY[op], x.data, out, writeLayout(layout, x.shape, [x])),
    binary: (op, a, b, out) =>
      k.binary(BINARY[op], a.data, b.data, out, writeLayout(layout, a.shape, [a, b])),
    where: (c, a, b, out) => k.where(c.data, a.data, b.data, out, writeLayout(layout, c.shape, [c, a, b])),
    copy: (x, out) => k.copy(x.data, out, writeLayout(layout, x.shape, [x])),
    reduce: (op, x, axes, out) =>
      k.reduce(REDUCE[op], x.data, out, writeReduceLayout(layout, x.shape, x, axes)),
  };
}
