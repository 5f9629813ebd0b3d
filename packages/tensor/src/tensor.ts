import { type DType, dtypeOfArray, isFloat, type TypedArray } from "./dtype.js";
import { type GradNode, gradMode, type Primitive } from "./grad-mode.js";
import { contiguousStrides, isDense, type Shape, sizeOf } from "./shape.js";

/** A gradient hook: sees the gradient flowing into a tensor and may return a replacement. */
export type GradHook = (grad: Tensor) => Tensor | undefined | void;

/** Options of `Tensor.backward`. */
export interface BackwardOptions {
  /** Keep the graph so backward can run through it again (default: createGraph). */
  retainGraph?: boolean;
  /** Record the backward pass itself, so the gradient can be differentiated again. */
  createGraph?: boolean;
}

/** The chain rule's entry point, installed by @nablajs/autograd when it is imported. */
export const engine: {
  backward?: (root: Tensor, gradOutput: Tensor | undefined, opts: BackwardOptions) => void;
  retainGrad?: (t: Tensor) => void;
} = {};

/**
 * An n-dimensional array of float32, float64 or int32 values.
 *
 * A tensor is a strided view of a typed array: `shape`, `strides` and `offset` say where each
 * element lives, so reshape, transpose, narrow and expand share storage and copy nothing.
 * Tensors are immutable to users; memory is freed by the garbage collector.
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
  /** The op that produced this tensor when it was recorded for differentiation. */
  gradFn: GradNode | null = null;
  /** Gradient hooks registered with `registerHook` (see @nablajs/autograd). */
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

  /**
   * Accumulates the gradient of this tensor with respect to every leaf that requires one into
   * the leaves' `.grad` (needs `@nablajs/autograd`). `gradOutput` defaults to 1 for a scalar.
   */
  backward(gradOutput?: Tensor, opts: BackwardOptions = {}): void {
    if (engine.backward === undefined) {
      throw new Error("backward: no autograd engine; import '@nablajs/autograd' (or 'nabla') first");
    }
    engine.backward(this, gradOutput, opts);
  }

  /** Makes `backward()` keep this non-leaf tensor's gradient in `.grad`, as for leaves (needs `@nablajs/autograd`). */
  retainGrad(): this {
    if (engine.retainGrad === undefined) {
      throw new Error("retainGrad: no autograd engine; import '@nablajs/autograd' (or 'nabla') first");
    }
    engine.retainGrad(this);
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

  /** Whether the elements are laid out row-major with no gaps starting at `offset`. */
  get isContiguous(): boolean {
    return isDense(this.shape, this.strides);
  }
}

/** Attaches a graph node to `out` when recording is on and an input requires a gradient. */
export function record<A>(prim: Primitive<A>, inputs: readonly Tensor[], out: Tensor, attrs: A): Tensor {
  if (!gradMode.enabled) return out;
  for (const t of inputs) {
    if (t.requiresGrad) {
      const site = gradMode.anomaly ? new Error().stack : undefined;
      out.gradFn = { prim, inputs, attrs, site };
      return out;
    }
  }
  return out;
}
