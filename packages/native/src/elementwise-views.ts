import {
  axesMask,
  BINARY,
  type ElementwiseKernels,
  type KernelArray,
  LAYOUT_CAPACITY,
  REDUCE,
  type StridedView,
  UNARY,
  writeLayout,
} from "./elementwise.js";

/** A strided view with its shape (the shape of @nablajs/tensor's backend View). */
export interface KernelView extends StridedView {
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
 * Adapts the addon's buffer-and-layout functions to view arguments: each call writes its views
 * into one scratch Int32Array and makes one addon call.
 */
export function elementwiseViews(k: ElementwiseKernels): ElementwiseViews {
  const l = new Int32Array(LAYOUT_CAPACITY);
  const lb = l.buffer;
  return {
    unary: (op, x, out) => {
      writeLayout(l, x.shape, [x], out);
      k.unary(UNARY[op], x.data.buffer, out.buffer, lb);
    },
    binary: (op, a, b, out) => {
      writeLayout(l, a.shape, [a, b], out);
      k.binary(BINARY[op], a.data.buffer, b.data.buffer, out.buffer, lb);
    },
    where: (c, a, b, out) => {
      writeLayout(l, c.shape, [c, a, b], out);
      k.where(c.data.buffer, a.data.buffer, b.data.buffer, out.buffer, lb);
    },
    copy: (x, out) => {
      writeLayout(l, x.shape, [x], out);
      k.copy(x.data.buffer, out.buffer, lb);
    },
    reduce: (op, x, axes, out) => {
      writeLayout(l, x.shape, [x], out, axesMask(axes));
      k.reduce(REDUCE[op], x.data.buffer, out.buffer, lb);
    },
  };
}
