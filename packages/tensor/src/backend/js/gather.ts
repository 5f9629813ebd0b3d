import type { TypedArray } from "../../dtype.js";
import type { View } from "../backend.js";
import { copy } from "./elementwise.js";
import { isDense } from "./rows.js";

function contiguousData(x: View): { data: TypedArray; offset: number } {
  if (isDense(x.shape, x.strides)) return { data: x.data, offset: x.offset };
  const n = x.shape.reduce((a, b) => a * b, 1);
  const tmp = new (x.data.constructor as new (n: number) => TypedArray)(n);
  copy(x, tmp);
  return { data: tmp, offset: 0 };
}

function blocks(shape: readonly number[], axis: number): [number, number] {
  let outer = 1;
  let inner = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d]!;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d]!;
  return [outer, inner];
}

/** out[o, j, :] = x[o, indices[j], :], with x viewed as [outer, x.shape[axis], inner]. */
export function gather(x: View, axis: number, indices: Int32Array, out: TypedArray): void {
  const { data, offset } = contiguousData(x);
  const [outer, inner] = blocks(x.shape, axis);
  const len = x.shape[axis]!;
  const m = indices.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const src = offset + (o * len + indices[j]!) * inner;
      const dst = (o * m + j) * inner;
      if (inner >= 16) out.set(data.subarray(src, src + inner), dst);
      else for (let i = 0; i < inner; i++) out[dst + i] = data[src + i]!;
    }
  }
}

/** out[o, indices[j], :] += src[o, j, :], with out viewed as [outer, outShape[axis], inner]. */
export function scatterAdd(
  out: TypedArray,
  outShape: readonly number[],
  axis: number,
  indices: Int32Array,
  src: View,
): void {
  const { data, offset } = contiguousData(src);
  const [outer, inner] = blocks(outShape, axis);
  const len = outShape[axis]!;
  const m = indices.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const dst = (o * len + indices[j]!) * inner;
      const s = offset + (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[dst + i]! += data[s + i]!;
    }
  }
}
