/**
 * The elementwise kernels of the addon (csrc/bind/elementwise.cc): unary, binary, where, copy and
 * reductions over strided views, vectorised for AVX-512 and AVX2 with a scalar reference.
 *
 * Operands travel as ArrayBuffers and every view in one packed Int32Array layout (see
 * {@link writeLayout}), so a call unwraps a few buffers and creates no objects. Outputs are
 * contiguous, row-major. Every element a view touches is checked: a bad view throws a TypeError.
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

/** The dtype codes of a layout: float32 0, float64 1, int32 2. */
export const DTYPE = { float32: 0, float64: 1, int32: 2 } as const;

/** The instruction sets `setElementwiseIsa` accepts ("auto": the best this CPU runs). */
export type IsaName = "avx512" | "avx2" | "scalar" | "auto";

/**
 * The addon's elementwise functions. Operands are passed as their ArrayBuffers (reading a typed
 * array through Node-API costs ~50 ns, a buffer ~10 ns; a SharedArrayBuffer is refused, as Node-API
 * reads only plain ones); `layout` is the buffer of an Int32Array
 * that {@link writeLayout} filled: which typed array of each buffer (dtype, start, length), each
 * input's strided view (offset, strides) and the shape. Inputs share that shape, already
 * broadcast (stride 0); `out` is contiguous. Every element read or written is checked against its
 * typed array and buffer: a bad layout throws a TypeError.
 *
 * A call costs ~0.09 us in the binding and ~0.14 us more in JS to read the arrays' `buffer` and
 * `byteOffset` (getters of ~15 ns each) and pack the layout: an 8-element add takes ~0.23 us
 * against ~0.03 us in the JS backend, so below a few hundred elements the JS loops are faster.
 *
 * Ops are defined for float32 and float64; int32 has neg, abs, sign, square, relu, add, sub, mul,
 * maximum, minimum, the comparisons, where, copy and the reductions (int32 arithmetic wraps).
 * float32 transcendentals are within 1 ulp of the correctly rounded result.
 */
export interface ElementwiseKernels {
  /** out[i] = op(x[i]) for a UNARY code; out has x's dtype. */
  unary(op: number, x: ArrayBufferLike, out: ArrayBufferLike, layout: ArrayBufferLike): void;
  /** out[i] = op(a[i], b[i]) for a BINARY code; comparisons write int32 0/1. */
  binary(
    op: number,
    a: ArrayBufferLike,
    b: ArrayBufferLike,
    out: ArrayBufferLike,
    layout: ArrayBufferLike,
  ): void;
  /** out[i] = cond[i] != 0 ? a[i] : b[i] (NaN counts as nonzero; cond of any dtype). */
  where(
    cond: ArrayBufferLike,
    a: ArrayBufferLike,
    b: ArrayBufferLike,
    out: ArrayBufferLike,
    layout: ArrayBufferLike,
  ): void;
  /** Copies a strided view into contiguous out, converting dtype as a typed-array store does. */
  copy(x: ArrayBufferLike, out: ArrayBufferLike, layout: ArrayBufferLike): void;
  /**
   * out[kept] = op over the reduced axes (a REDUCE code; the layout's extra word is the axes
   * mask); out holds the kept axes in row-major order. float32 sums add in double, float64 sums
   * are compensated; max/min propagate NaN; argmax/argmin give the first extremum or first NaN.
   */
  reduce(op: number, x: ArrayBufferLike, out: ArrayBufferLike, layout: ArrayBufferLike): void;
  /**
   * Makes the elementwise kernels run `isa` (tests reach every path this way); false, and no
   * change, if this CPU cannot run it. The GEMM has its own, setGemmIsa.
   */
  setElementwiseIsa(isa: IsaName): boolean;
  /** The instruction set the elementwise kernels run: "avx512", "avx2" or "scalar". */
  elementwiseIsa(): string;
}

/** A strided view of a typed array (a Tensor is one). */
export interface StridedView {
  readonly data: KernelArray;
  readonly strides: readonly number[];
  readonly offset: number;
}

/** Words a layout scratch needs: rank 32 with three inputs (where). */
export const LAYOUT_CAPACITY = 2 + 3 * 4 + 3 + 33 * 4;

/**
 * Packs a call into `into` (an Int32Array of {@link LAYOUT_CAPACITY} words serves every call):
 * [rank, extra, (dtype, start, length) of each input's array and of out, each input's offset,
 * shape, each input's strides]. `extra` is a reduction's mask of reduced axes (bit d: axis d).
 * The kernels take `into.buffer` (cache it: the getter costs ~20 ns).
 */
export function writeLayout(
  into: Int32Array,
  shape: readonly number[],
  inputs: readonly StridedView[],
  out: KernelArray,
  extra = 0,
): void {
  const nd = shape.length;
  const k = inputs.length;
  into[0] = nd;
  into[1] = extra;
  let p = 2;
  for (let j = 0; j < k; j++) p = describe(into, p, inputs[j]!.data);
  p = describe(into, p, out);
  for (let j = 0; j < k; j++) into[p++] = inputs[j]!.offset;
  for (let d = 0; d < nd; d++) into[p++] = shape[d]!;
  for (let j = 0; j < k; j++) {
    const s = inputs[j]!.strides;
    for (let d = 0; d < nd; d++) into[p++] = s[d]!;
  }
}

/** The mask of a reduction over `axes`: bit d set for each reduced axis d. */
export function axesMask(axes: readonly number[]): number {
  let mask = 0;
  for (const a of axes) mask |= 1 << a;
  return mask;
}

function describe(into: Int32Array, p: number, a: KernelArray): number {
  into[p] =
    a instanceof Float32Array ? DTYPE.float32 : a instanceof Float64Array ? DTYPE.float64 : DTYPE.int32;
  into[p + 1] = a.byteOffset / a.BYTES_PER_ELEMENT;
  into[p + 2] = a.length;
  return p + 3;
}
