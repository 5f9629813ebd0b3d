import { getBackend } from "../backend/backend.js";
import { allocate, type DType, isFloat } from "../dtype.js";
import { broadcastShapes, type Shape, shapeStr, sizeOf } from "../shape.js";
import { Tensor } from "../tensor.js";

/** A tensor, or a number that takes the dtype of the tensor it meets. */
export type TensorLike = Tensor | number;

export function backend() {
  return getBackend();
}

/** A fresh contiguous tensor of `shape` filled with zeros. */
export function empty(dtype: DType, shape: Shape): Tensor {
  return new Tensor(allocate(dtype, sizeOf(shape)), shape);
}

export function scalarOf(value: number, dtype: DType): Tensor {
  const t = empty(dtype, []);
  t.data[0] = value;
  return t;
}

export function assertTensor(op: string, x: unknown, what = "input"): Tensor {
  if (x instanceof Tensor) return x;
  throw new Error(`${op}: ${what} must be a Tensor, got ${x === null ? "null" : typeof x}`);
}

/** `value` as a scalar of `t`'s dtype; a number int32 cannot hold is a mixed-dtype error, not a silent cast. */
function numberLike(op: string, value: number, t: Tensor): Tensor {
  if (t.dtype === "int32" && !(Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31)) {
    throw new Error(
      `${op}: the number ${value} is not an int32 value, so it cannot meet an int32 tensor ${shapeStr(t.shape)}; cast the tensor with astype()`,
    );
  }
  return scalarOf(value, t.dtype);
}

/** Turns numbers into tensors of the other operand's dtype and checks the dtypes agree. */
export function operands(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (typeof a === "number" && typeof b === "number") return [scalarOf(a, "float32"), scalarOf(b, "float32")];
  if (typeof a === "number") return [numberLike(op, a, assertTensor(op, b)), b as Tensor];
  if (typeof b === "number") return [assertTensor(op, a), numberLike(op, b, a)];
  assertTensor(op, a);
  assertTensor(op, b);
  if (a.dtype !== b.dtype) {
    throw new Error(
      `${op}: mixed dtypes ${a.dtype} ${shapeStr(a.shape)} and ${b.dtype} ${shapeStr(b.shape)}; cast one with astype()`,
    );
  }
  return [a, b];
}

export function requireFloat(op: string, x: Tensor): void {
  if (!isFloat(assertTensor(op, x).dtype)) {
    throw new Error(
      `${op}: expected a float32 or float64 tensor, got ${x.dtype} ${shapeStr(x.shape)}; cast with astype()`,
    );
  }
}

/** A stride-0 view of `x` broadcast to `shape` (no copy, no recording). */
export function broadcastView(x: Tensor, shape: Shape): Tensor {
  if (x.shape.length === shape.length && x.shape.every((d, i) => d === shape[i])) return x;
  const lead = shape.length - x.ndim;
  const strides = shape.map((d, i) => {
    const xd = i < lead ? 1 : x.shape[i - lead]!;
    return xd === 1 && d !== 1 ? 0 : i < lead ? 0 : x.strides[i - lead]!;
  });
  return new Tensor(x.data, shape, strides, x.offset);
}

export function broadcastPair(op: string, a: Tensor, b: Tensor): [Tensor, Tensor, number[]] {
  const shape = broadcastShapes(op, a.shape, b.shape);
  return [broadcastView(a, shape), broadcastView(b, shape), shape];
}
