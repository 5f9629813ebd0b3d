import { getBackend } from "./backend/backend.js";
import type { NestedArray } from "./create.js";
import { allocate, type TypedArray } from "./dtype.js";
import { assertTensor } from "./ops/util.js";
import { shapeStr } from "./shape.js";
import type { Tensor } from "./tensor.js";

/**
 * The elements of `x` in row-major order as a typed array starting at index 0: a view of its own
 * storage when `x` is contiguous (no copy: writes show in `x`), else a fresh copy. For kernels
 * and fused ops that loop over a tensor's values.
 */
export function contiguousData(x: Tensor): TypedArray {
  assertTensor("contiguousData", x);
  return x.isContiguous ? x.data.subarray(x.offset, x.offset + x.size) : toTypedArray(x);
}

/** A contiguous copy of the elements in row-major order. */
export function toTypedArray(x: Tensor): TypedArray {
  assertTensor("toTypedArray", x);
  const out = allocate(x.dtype, x.size);
  getBackend().copy(x, out);
  return out;
}

/** The elements as nested arrays of numbers (a number for a scalar). */
export function toArray(x: Tensor): NestedArray {
  assertTensor("toArray", x);
  const flat = toTypedArray(x);
  const build = (depth: number, start: number): NestedArray => {
    if (depth === x.ndim) return flat[start]!;
    const n = x.shape[depth]!;
    let stride = 1;
    for (let d = depth + 1; d < x.ndim; d++) stride *= x.shape[d]!;
    const out: NestedArray[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = build(depth + 1, start + i * stride);
    return out;
  };
  return build(0, 0);
}

/** The single element of a one-element tensor, as a number. */
export function item(x: Tensor): number {
  if (assertTensor("item", x).size !== 1)
    throw new Error(`item: the tensor has ${x.size} elements (shape ${shapeStr(x.shape)}), expected 1`);
  return x.data[x.offset]!;
}
