/**
 * The elementwise kernels of the addon (csrc/bind/elementwise.cc): unary, binary, where, copy and
 * reductions over strided views, vectorised for AVX-512 and AVX2 with a scalar reference.
 *
 * Every view travels in one packed `Int32Array` layout (see {@link writeLayout}), so a call
 * unwraps a few typed arrays and creates no objects. Outputs are contiguous, row-major. Every
 * element a view touches is checked against its array: a bad view throws a TypeError.
 */

/** The unary op codes (the Backend's UnaryOp order). */
export const UNARY = {
  neg: 0,
  exp: 1,
  log: 2,
  sin: 3,
  cos: 4,
  tanh: 5,
  sigmoid: 6,
  relu: 7,
  sqrt: 8,
  abs: 9,
  square: 10,
  sign: 11,
} as const;

/** The binary op codes (the Backend's BinaryOp order); eq..le write Int32Array 0/1. */
export const BINARY = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  pow: 4,
  maximum: 5,
  minimum: 6,
  eq: 7,
  ne: 8,
  gt: 9,
  ge: 10,
  lt: 11,
  le: 12,
} as const;

/** The reduction op codes; argmax/argmin write Int32Array indices. */
export const REDUCE = { sum: 0, max: 1, min: 2, argmax: 3, argmin: 4 } as const;

/** The arrays the kernels read and write. */
export type KernelArray = Float32Array | Float64Array | Int32Array;

/** The instruction sets `setIsa` accepts ("auto": the best this CPU runs). */
export type IsaName = "avx512" | "avx2" | "scalar" | "auto";

/**
 * The addon's elementwise functions. `layout` packs the views (see {@link writeLayout}); inputs
 * share one shape, already broadcast (stride 0); `out` is contiguous with that shape's size.
 * Ops are defined for float32 and float64; int32 has neg, abs, sign, square, relu, add, sub, mul,
 * maximum, minimum, the comparisons, where, copy and the reductions (int32 arithmetic wraps).
 * float32 transcendentals are within 1 ulp of the correctly rounded result.
 */
export interface ElementwiseKernels {
  /** out[i] = op(x[i]) for a UNARY code; layout of one input; out has x's dtype. */
  unary(op: number, x: KernelArray, out: KernelArray, layout: Int32Array): void;
  /** out[i] = op(a[i], b[i]) for a BINARY code; layout of two inputs; comparisons write Int32Array. */
  binary(op: number, a: KernelArray, b: KernelArray, out: KernelArray, layout: Int32Array): void;
  /** out[i] = cond[i] != 0 ? a[i] : b[i] (NaN counts as nonzero); layout of three inputs. */
  where(cond: KernelArray, a: KernelArray, b: KernelArray, out: KernelArray, layout: Int32Array): void;
  /** Copies a strided view into contiguous out, converting dtype as a typed-array store does. */
  copy(x: KernelArray, out: KernelArray, layout: Int32Array): void;
  /**
   * out[kept] = op over the reduced axes (a REDUCE code; layout from {@link writeReduceLayout});
   * out holds the kept axes in row-major order. float32 sums add in double, float64 sums are
   * compensated; max/min propagate NaN; argmax/argmin give the first extremum or the first NaN.
   */
  reduce(op: number, x: KernelArray, out: KernelArray, layout: Int32Array): void;
  /** Chooses the elementwise kernels' instruction set (for tests); returns the active one. */
  setIsa(isa: IsaName): string;
}

/** What the kernels need of a strided operand (a Tensor is one). */
export interface StridedView {
  readonly strides: readonly number[];
  readonly offset: number;
}

/** Entries a layout scratch needs for rank 32 and three inputs, plus a reduction's mask. */
export const LAYOUT_CAPACITY = 2 + 3 + 33 * 4;

/**
 * Packs views of one `shape` into `into`: [rank, offset of each view, shape, strides of each
 * view]. One scratch Int32Array of {@link LAYOUT_CAPACITY} entries serves every call: entries
 * past the layout are ignored. Returns `into`.
 */
export function writeLayout(
  into: Int32Array,
  shape: readonly number[],
  views: readonly StridedView[],
): Int32Array {
  into[0] = shape.length;
  pack(into, 1, shape, views);
  return into;
}

/** Packs a reduction of the view `x` of `shape` over `axes`: [rank, axes mask, offset, shape, strides]. */
export function writeReduceLayout(
  into: Int32Array,
  shape: readonly number[],
  x: StridedView,
  axes: readonly number[],
): Int32Array {
  let mask = 0;
  for (const a of axes) mask |= 1 << a;
  into[0] = shape.length;
  into[1] = mask;
  pack(into, 2, shape, [x]);
  return into;
}

function pack(into: Int32Array, p: number, shape: readonly number[], views: readonly StridedView[]): void {
  const nd = shape.length;
  for (const v of views) into[p++] = v.offset;
  for (let d = 0; d < nd; d++) into[p++] = shape[d]!;
  for (const v of views) for (let d = 0; d < nd; d++) into[p++] = v.strides[d]!;
}
