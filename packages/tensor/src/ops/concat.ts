import { primitive, record } from "../autograd/node.js";
import { zeros } from "../create.js";
import { allocate } from "../dtype.js";
import { normAxis, shapeStr, sizeOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { assertTensor } from "./util.js";
import { contiguous, narrow, unsqueeze } from "./view.js";

// d concat(xs) = concat(dxs) (zeros for inputs with no tangent); the gradient is cut into the
// matching slices, one per input.
const rule = primitive<number>(
  "concat",
  (g, inputs, _, axis) => {
    let start = 0;
    return inputs.map((x) => {
      const len = x.shape[axis]!;
      const piece = narrow(g, axis, start, len);
      start += len;
      return piece;
    });
  },
  (ts, inputs, _, axis) =>
    concat(
      inputs.map((x, i) => ts[i] ?? zeros(x.shape, { dtype: x.dtype })),
      axis,
    ),
);

/** Joins tensors along an existing `axis`; all other axes must agree. */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors as unknown) || tensors.length === 0)
    throw new Error("concat: expected a non-empty array of tensors");
  tensors.forEach((t, i) => {
    assertTensor("concat", t, `tensors[${i}]`);
  });
  const first = tensors[0]!;
  const a = normAxis("concat", axis, first.ndim);
  for (const t of tensors) {
    if (t.dtype !== first.dtype) throw new Error(`concat: mixed dtypes ${first.dtype} and ${t.dtype}`);
    if (t.ndim !== first.ndim || t.shape.some((d, i) => i !== a && d !== first.shape[i])) {
      throw new Error(
        `concat: shapes ${tensors.map((x) => shapeStr(x.shape)).join(", ")} differ outside axis ${axis}`,
      );
    }
  }
  const shape = first.shape.slice();
  shape[a] = tensors.reduce((n, t) => n + t.shape[a]!, 0);
  const out = new Tensor(allocate(first.dtype, sizeOf(shape)), shape);
  const outer = sizeOf(shape.slice(0, a));
  const inner = sizeOf(shape.slice(a + 1));
  const rowOut = shape[a]! * inner;
  let start = 0;
  for (const t of tensors) {
    const c = contiguous(t);
    const row = t.shape[a]! * inner;
    for (let o = 0; o < outer; o++) {
      out.data.set(c.data.subarray(c.offset + o * row, c.offset + (o + 1) * row), o * rowOut + start * inner);
    }
    start += t.shape[a]!;
  }
  return record(rule, tensors, out, a);
}

/** Joins tensors of one shape along a new `axis`. */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors as unknown) || tensors.length === 0)
    throw new Error("stack: expected a non-empty array of tensors");
  const first = assertTensor("stack", tensors[0]);
  for (const t of tensors) {
    if (assertTensor("stack", t).shape.join() !== first.shape.join()) {
      throw new Error(
        `stack: all shapes must match, got ${tensors.map((x) => shapeStr(x.shape)).join(", ")}`,
      );
    }
  }
  const a = normAxis("stack", axis, first.ndim + 1);
  return concat(
    tensors.map((t) => unsqueeze(t, a)),
    a,
  );
}

/**
 * Splits `x` along `axis` into views: chunks of `size` elements (the last may be shorter), or
 * pieces of the given sizes, as torch.split.
 */
export function split(x: Tensor, sizes: number | readonly number[], axis = 0): Tensor[] {
  assertTensor("split", x);
  const a = normAxis("split", axis, x.ndim);
  const n = x.shape[a]!;
  let lengths: number[];
  if (typeof sizes === "number") {
    if (!Number.isInteger(sizes) || sizes <= 0)
      throw new Error(`split: size must be a positive integer, got ${sizes}`);
    lengths = [];
    for (let s = 0; s < n; s += sizes) lengths.push(Math.min(sizes, n - s));
  } else {
    lengths = sizes.slice();
    const total = lengths.reduce((p, q) => p + q, 0);
    if (total !== n)
      throw new Error(`split: sizes [${lengths.join(",")}] sum to ${total}, but axis ${axis} has ${n}`);
  }
  let start = 0;
  return lengths.map((len) => {
    const piece = narrow(x, a, start, len);
    start += len;
    return piece;
  });
}
