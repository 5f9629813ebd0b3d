import { primitive, record } from "../autograd/node.js";
import { zeros } from "../create.js";
import { allocate, isFloat } from "../dtype.js";
import { normAxis, shapeStr, sizeOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { assertTensor, backend } from "./util.js";
import { contiguous } from "./view.js";

/**
 * `indices` as a contiguous Int32Array, every entry checked to lie in [0, n): the one index
 * check of indexSelect, indexAdd, oneHot, takeAlongAxis and nn's embedding. Errors name `op`.
 */
export function checkIndices(op: string, indices: Tensor, n: number): Int32Array {
  assertTensor(op, indices, "indices");
  if (indices.dtype !== "int32") throw new Error(`${op}: indices must be int32, got ${indices.dtype}`);
  const idx = contiguous(indices);
  const data = (idx.data as Int32Array).subarray(idx.offset, idx.offset + idx.size);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < 0 || v >= n)
      throw new Error(`${op}: index ${v} is out of range for an axis of size ${n} (valid: 0..${n - 1})`);
  }
  return data;
}

// d indexSelect(x, i) = indexSelect(dx, i); the gradient rows are added back at their indices
// (repeated indices add up).
const selectRule = primitive<number>(
  "indexSelect",
  (g, [x, idx], _, axis) => [indexAdd(zeros(x!.shape, { dtype: g.dtype }), axis, idx!, g), null],
  ([dx], [, idx], _, axis) => indexSelect(dx!, axis, idx!),
);
// d indexAdd(base, i, src) = indexAdd(dbase, i, dsrc); the gradient is g for base, indexSelect(g, i) for src.
const addRule = primitive<number>(
  "indexAdd",
  (g, [, idx], _, axis) => [g, null, indexSelect(g, axis, idx!)],
  ([db, , ds], [base, idx], _, axis) =>
    ds ? indexAdd(db ?? zeros(base!.shape, { dtype: ds.dtype }), axis, idx!, ds) : db!,
);

/**
 * Picks entries of `x` along `axis` by int32 `indices` of any shape, as NumPy's take: the
 * result's shape is x.shape with `axis` replaced by indices.shape. A [T, B] batch of token ids
 * picks rows of an embedding table [V, E] into [T, B, E].
 */
export function indexSelect(x: Tensor, axis: number, indices: Tensor): Tensor {
  assertTensor("indexSelect", x);
  const a = normAxis("indexSelect", axis, x.ndim);
  const flat = checkIndices("indexSelect", indices, x.shape[a]!);
  const shape = [...x.shape.slice(0, a), ...indices.shape, ...x.shape.slice(a + 1)];
  const out = new Tensor(allocate(x.dtype, sizeOf(shape)), shape);
  backend().gather(x, a, flat, out.data);
  return isFloat(x.dtype) ? record(selectRule, [x, indices], out, a) : out;
}

/** `base` with `src` added at `indices` along `axis` (repeated indices accumulate). */
export function indexAdd(base: Tensor, axis: number, indices: Tensor, src: Tensor): Tensor {
  assertTensor("indexAdd", base);
  assertTensor("indexAdd", src, "src");
  const a = normAxis("indexAdd", axis, base.ndim);
  const flat = checkIndices("indexAdd", indices, base.shape[a]!);
  const expected = [...base.shape.slice(0, a), ...indices.shape, ...base.shape.slice(a + 1)];
  if (expected.join() !== src.shape.join() || src.dtype !== base.dtype) {
    throw new Error(
      `indexAdd: src must be ${base.dtype} ${shapeStr(expected)}, got ${src.dtype} ${shapeStr(src.shape)}`,
    );
  }
  const out = new Tensor(allocate(base.dtype, base.size), base.shape);
  backend().copy(base, out.data);
  backend().scatterAdd(out.data, base.shape, a, flat, src);
  return isFloat(base.dtype) ? record(addRule, [base, indices, src], out, a) : out;
}

/** One-hot rows: int32 `indices` of shape S give an int32 tensor [...S, n] with a 1 per row. */
export function oneHot(indices: Tensor, n: number): Tensor {
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`oneHot: number of classes must be a positive integer, got ${n}`);
  const flat = checkIndices("oneHot", indices, n);
  const out = new Tensor(allocate("int32", flat.length * n), [...indices.shape, n]);
  for (let i = 0; i < flat.length; i++) out.data[i * n + flat[i]!] = 1;
  return out;
}
