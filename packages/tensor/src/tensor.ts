import { type BackwardOptions, backward, retainGrad } from "./autograd/backward.js";
import type { GradNode } from "./autograd/node.js";
import { item, toArray, toTypedArray } from "./convert.js";
import type { NestedArray } from "./create.js";
import { type DType, dtypeOfArray, isFloat, type TypedArray } from "./dtype.js";
import { formatTensor } from "./format.js";
import { astype } from "./ops/astype.js";
import * as bin from "./ops/binary.js";
import { clamp } from "./ops/clamp.js";
import { split } from "./ops/concat.js";
import { indexAdd, indexSelect, oneHot } from "./ops/gather.js";
import { matmul, mT } from "./ops/matmul.js";
import type { Axis } from "./ops/reduce.js";
import * as red from "./ops/reduce.js";
import { takeAlongAxis } from "./ops/take-along-axis.js";
import * as un from "./ops/unary.js";
import type { TensorLike } from "./ops/util.js";
import * as v from "./ops/view.js";
import { where } from "./ops/where.js";
import { type MultinomialOptions, multinomial, type TopK, topk } from "./sampling.js";
import { contiguousStrides, isDense, type Shape, sizeOf } from "./shape.js";

/** A gradient hook: sees the gradient flowing into a tensor and may return a replacement. */
export type GradHook = (grad: Tensor) => Tensor | undefined | void;

/**
 * An n-dimensional array of float32, float64 or int32 values that knows its derivatives.
 *
 * A tensor is a strided view of a typed array: `shape`, `strides` and `offset` say where each
 * element lives, so reshape, transpose, narrow and expand share storage and copy nothing.
 * Tensors are immutable to users; memory is freed by the garbage collector. Every op is a
 * function (`add(a, b)`) and a method (`a.add(b)`); ops on tensors that require a gradient are
 * recorded, and `backward()` runs the chain rule back through them.
 */
export class Tensor {
  /** The storage: a typed array that views may share. */
  readonly data: TypedArray;
  /** The length of each axis; `[]` for a scalar. */
  readonly shape: readonly number[];
  /** Elements to step in `data` for one step along each axis (0 for a broadcast axis). */
  readonly strides: readonly number[];
  /** Index in `data` of the first element. */
  readonly offset: number;
  /** The element type: float32, float64 or int32. */
  readonly dtype: DType;
  /** The accumulated gradient, once `backward()` has reached this tensor (assignable). */
  grad: Tensor | null = null;
  /** The recorded op that produced this tensor (null for leaves). */
  gradFn: GradNode | null = null;
  /** Gradient hooks registered with `registerHook`. */
  hooks: GradHook[] | null = null;
  private leafRequiresGrad = false;

  constructor(data: TypedArray, shape: Shape, strides?: Shape, offset = 0) {
    const dtype = dtypeOfArray(data);
    if (dtype === undefined)
      throw new Error("Tensor: data must be a Float32Array, Float64Array or Int32Array");
    this.data = data;
    this.dtype = dtype;
    this.shape = shape.slice();
    this.strides = strides ? strides.slice() : contiguousStrides(shape);
    this.offset = offset;
  }

  /** The number of axes (0 for a scalar). */
  get ndim(): number {
    return this.shape.length;
  }

  /** The number of elements: the product of the shape. */
  get size(): number {
    return sizeOf(this.shape);
  }

  /** Whether gradients flow to this tensor: set on leaves, inherited by recorded results. */
  get requiresGrad(): boolean {
    return this.leafRequiresGrad || this.gradFn !== null;
  }

  set requiresGrad(value: boolean) {
    if (this.gradFn !== null) {
      if (!value)
        throw new Error("requiresGrad: cannot switch off a computed tensor's gradient; use detach()");
      return;
    }
    if (value && !isFloat(this.dtype)) {
      throw new Error(`requiresGrad: only float tensors can require gradients, got ${this.dtype}`);
    }
    this.leafRequiresGrad = value;
  }

  /** True for tensors not produced by a recorded op (parameters, inputs, detached values). */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** Whether the elements are laid out row-major with no gaps starting at `offset`. */
  get isContiguous(): boolean {
    return isDense(this.shape, this.strides);
  }

  /**
   * The chain rule: accumulates the gradient of this tensor with respect to every leaf that
   * requires one into the leaves' `.grad`. `gradOutput` defaults to 1 for a scalar.
   */
  backward(gradOutput?: Tensor, opts: BackwardOptions = {}): void {
    backward(this, gradOutput, opts);
  }

  /** Makes `backward()` keep this non-leaf tensor's gradient in `.grad`, as for leaves. */
  retainGrad(): this {
    retainGrad(this);
    return this;
  }

  /** Calls `hook` with the gradient flowing into this tensor during backward; it may return a replacement. */
  registerHook(hook: GradHook): { remove(): void } {
    if (!this.requiresGrad) throw new Error("registerHook: the tensor does not require a gradient");
    this.hooks ??= [];
    this.hooks.push(hook);
    return {
      remove: () => {
        this.hooks = this.hooks?.filter((h) => h !== hook) ?? null;
      },
    };
  }

  // Every op as a method: `a.add(b)` is `add(a, b)`; see each function for the details.

  /** a + b with broadcasting. */
  add(b: TensorLike): Tensor {
    return bin.add(this, b);
  }
  /** a - b with broadcasting. */
  sub(b: TensorLike): Tensor {
    return bin.sub(this, b);
  }
  /** a * b with broadcasting. */
  mul(b: TensorLike): Tensor {
    return bin.mul(this, b);
  }
  /** a / b with broadcasting. */
  div(b: TensorLike): Tensor {
    return bin.div(this, b);
  }
  /** x^exponent with broadcasting. */
  pow(exponent: TensorLike): Tensor {
    return bin.pow(this, exponent);
  }
  /** Elementwise maximum; NaN propagates. */
  maximum(b: TensorLike): Tensor {
    return bin.maximum(this, b);
  }
  /** Elementwise minimum; NaN propagates. */
  minimum(b: TensorLike): Tensor {
    return bin.minimum(this, b);
  }
  /** a == b as int32 0/1. */
  eq(b: TensorLike): Tensor {
    return bin.eq(this, b);
  }
  /** a != b as int32 0/1. */
  ne(b: TensorLike): Tensor {
    return bin.ne(this, b);
  }
  /** a > b as int32 0/1. */
  gt(b: TensorLike): Tensor {
    return bin.gt(this, b);
  }
  /** a >= b as int32 0/1. */
  ge(b: TensorLike): Tensor {
    return bin.ge(this, b);
  }
  /** a < b as int32 0/1. */
  lt(b: TensorLike): Tensor {
    return bin.lt(this, b);
  }
  /** a <= b as int32 0/1. */
  le(b: TensorLike): Tensor {
    return bin.le(this, b);
  }
  /** -x. */
  neg(): Tensor {
    return un.neg(this);
  }
  /** e^x. */
  exp(): Tensor {
    return un.exp(this);
  }
  /** Natural logarithm. */
  log(): Tensor {
    return un.log(this);
  }
  /** sin(x). */
  sin(): Tensor {
    return un.sin(this);
  }
  /** cos(x). */
  cos(): Tensor {
    return un.cos(this);
  }
  /** tanh(x). */
  tanh(): Tensor {
    return un.tanh(this);
  }
  /** 1 / (1 + e^-x). */
  sigmoid(): Tensor {
    return un.sigmoid(this);
  }
  /** max(x, 0); NaN stays NaN. */
  relu(): Tensor {
    return un.relu(this);
  }
  /** Square root. */
  sqrt(): Tensor {
    return un.sqrt(this);
  }
  /** |x|. */
  abs(): Tensor {
    return un.abs(this);
  }
  /** x^2. */
  square(): Tensor {
    return un.square(this);
  }
  /** -1, 0 or 1 by the sign of x. */
  sign(): Tensor {
    return un.sign(this);
  }
  /** Limits values to [min, max]. */
  clamp(min?: number, max?: number): Tensor {
    return clamp(this, min, max);
  }
  /** Self where `cond` is nonzero, `other` elsewhere (torch.Tensor.where): `where(cond, self, other)`. */
  where(cond: Tensor, other: TensorLike): Tensor {
    return where(cond, this, other);
  }
  /** Sum over `axis` (all axes by default). */
  sum(axis?: Axis, keepdims?: boolean): Tensor {
    return red.sum(this, axis, keepdims);
  }
  /** Mean over `axis` (all axes by default). */
  mean(axis?: Axis, keepdims?: boolean): Tensor {
    return red.mean(this, axis, keepdims);
  }
  /** Maximum over `axis` (all axes by default). */
  max(axis?: Axis, keepdims?: boolean): Tensor {
    return red.max(this, axis, keepdims);
  }
  /** Minimum over `axis` (all axes by default). */
  min(axis?: Axis, keepdims?: boolean): Tensor {
    return red.min(this, axis, keepdims);
  }
  /** int32 index of the maximum along `axis` (of all elements by default). */
  argmax(axis?: number, keepdims?: boolean): Tensor {
    return red.argmax(this, axis, keepdims);
  }
  /** int32 index of the minimum along `axis` (of all elements by default). */
  argmin(axis?: number, keepdims?: boolean): Tensor {
    return red.argmin(this, axis, keepdims);
  }
  /** log(sum(exp(x))) over `axis`, computed stably. */
  logsumexp(axis?: Axis, keepdims?: boolean): Tensor {
    return red.logsumexp(this, axis, keepdims);
  }
  /** Variance over `axis` with Bessel's `correction` (default 1), as torch.var. */
  var(axis?: Axis, keepdims?: boolean, correction?: number): Tensor {
    return red.variance(this, axis, keepdims, correction);
  }
  /** Variance over `axis` (the same as `var`). */
  variance(axis?: Axis, keepdims?: boolean, correction?: number): Tensor {
    return red.variance(this, axis, keepdims, correction);
  }
  /** softmax along `axis` (default the last). */
  softmax(axis?: number): Tensor {
    return red.softmax(this, axis);
  }
  /** log(softmax(x)) along `axis` (default the last), computed stably. */
  logSoftmax(axis?: number): Tensor {
    return red.logSoftmax(this, axis);
  }
  /** Matrix product with NumPy's rules. */
  matmul(b: Tensor): Tensor {
    return matmul(this, b);
  }
  /** Swaps the last two axes (a view). */
  mT(): Tensor {
    return mT(this);
  }
  /** The same elements in a new shape (one axis may be -1); a view when strides allow. */
  reshape(shape: readonly number[]): Tensor {
    return v.reshape(this, shape);
  }
  /** Permutes the axes (reverses them by default). A view. */
  transpose(axes?: readonly number[]): Tensor {
    return v.transpose(this, axes);
  }
  /** Removes size-1 axes (all, or the given ones). A view. */
  squeeze(axis?: number | readonly number[]): Tensor {
    return v.squeeze(this, axis);
  }
  /** Inserts a size-1 axis at `axis`. A view. */
  unsqueeze(axis: number): Tensor {
    return v.unsqueeze(this, axis);
  }
  /** Broadcasts to `shape` without copying. */
  expand(shape: readonly number[]): Tensor {
    return v.expand(this, shape);
  }
  /** The slice [start, start + length) of `axis`. A view. */
  narrow(axis: number, start: number, length: number): Tensor {
    return v.narrow(this, axis, start, length);
  }
  /** Splits along `axis` into pieces of `sizes` (one size, or a list). Views. */
  split(sizes: number | readonly number[], axis?: number): Tensor[] {
    return split(this, sizes, axis);
  }
  /** All elements in one axis. */
  flatten(): Tensor {
    return v.flatten(this);
  }
  /** The entries at int32 `indices` along `axis`. */
  indexSelect(axis: number, indices: Tensor): Tensor {
    return indexSelect(this, axis, indices);
  }
  /** A copy with `src` added at `indices` along `axis` (repeats accumulate). */
  indexAdd(axis: number, indices: Tensor, src: Tensor): Tensor {
    return indexAdd(this, axis, indices, src);
  }
  /** One-hot rows of `n` classes for int32 indices. */
  oneHot(n: number): Tensor {
    return oneHot(this, n);
  }
  /** Values at `indices` along `axis` (NumPy's take_along_axis, torch.gather). */
  takeAlongAxis(indices: Tensor, axis: number): Tensor {
    return takeAlongAxis(this, indices, axis);
  }
  /** The `k` largest values along `axis` and their indices. */
  topk(k: number, axis?: number): TopK {
    return topk(this, k, axis);
  }
  /** Samples int32 indices from the probabilities of the last axis. */
  multinomial(numSamples: number, opts?: MultinomialOptions): Tensor {
    return multinomial(this, numSamples, opts);
  }
  /** A row-major copy, or this tensor when it already is one. */
  contiguous(): Tensor {
    return v.contiguous(this);
  }
  /** The same values cut off from the graph (no gradient flows through). */
  detach(): Tensor {
    return v.detach(this);
  }
  /** A copy converted to `dtype`. */
  astype(dtype: DType): Tensor {
    return astype(this, dtype);
  }
  /** The elements as nested arrays of numbers. */
  toArray(): NestedArray {
    return toArray(this);
  }
  /** A contiguous copy of the elements in row-major order. */
  toTypedArray(): TypedArray {
    return toTypedArray(this);
  }
  /** The single element of a one-element tensor. */
  item(): number {
    return item(this);
  }
  /** A readable summary, as PyTorch prints tensors. */
  toString(): string {
    return formatTensor(this);
  }
}
