import { primitive, record } from "../autograd/node.js";
import { zeros } from "../create.js";
import { allocate, isFloat } from "../dtype.js";
import { normAxis, shapeStr, sizeOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { checkIndices, indexAdd, indexSelect } from "./gather.js";
import { assertTensor, backend, broadcastView } from "./util.js";
import { expand, reshape } from "./view.js";

/** Where each output element was read: its row-major position in x broadcast to `shape`. */
interface Taken {
  positions: Tensor;
  shape: number[];
}

// d takeAlongAxis(x, i) = dx read at the same positions; the gradient is added back at the
// positions it was read from (repeats add up), and the engine sums it from the broadcast shape
// back to x's.
const rule = primitive<Taken>(
  "takeAlongAxis",
  (g, _, __, { positions, shape }) => [
    reshape(indexAdd(zeros([sizeOf(shape)], { dtype: g.dtype }), 0, positions, g), shape),
    null,
  ],
  ([dx], _, __, { positions, shape }) => indexSelect(reshape(expand(dx!, shape), [-1]), 0, positions),
);

/**
 * Picks one entry of `x` along `axis` for each int32 index, as NumPy's take_along_axis and
 * torch.gather: out[..., j, ...] = x[..., indices[..., j, ...], ...]. `indices` has x's rank;
 * its other axes broadcast against x's, and out has their broadcast shape with `axis` of
 * length indices.shape[axis]. Differentiable in x.
 */
export function takeAlongAxis(x: Tensor, indices: Tensor, axis: number): Tensor {
  assertTensor("takeAlongAxis", x);
  assertTensor("takeAlongAxis", indices, "indices");
  if (indices.ndim !== x.ndim) {
    throw new Error(
      `takeAlongAxis: indices ${shapeStr(indices.shape)} must have the rank of x ${shapeStr(x.shape)}`,
    );
  }
  const a = normAxis("takeAlongAxis", axis, x.ndim);
  const shape = x.shape.map((d, i) => {
    const e = indices.shape[i]!;
    if (i === a || d === e || e === 1) return i === a ? e : d;
    if (d === 1) return e;
    throw new Error(
      `takeAlongAxis: indices ${shapeStr(indices.shape)} do not broadcast with x ${shapeStr(x.shape)} on axis ${i}`,
    );
  });
  const n = x.shape[a]!;
  const idx = checkIndices("takeAlongAxis", broadcastView(indices, shape), n);
  const xShape = shape.map((d, i) => (i === a ? n : d));
  // out[o, j, i] = x[o, idx[o, j, i], i] with both viewed as [outer, axis, inner], row-major.
  const inner = sizeOf(shape.slice(a + 1));
  const m = shape[a]!;
  const positions = new Int32Array(idx.length);
  for (let k = 0; k < idx.length; k++) {
    const i = k % inner;
    const o = Math.floor(k / (inner * m));
    positions[k] = (o * n + idx[k]!) * inner + i;
  }
  const src = broadcastView(x, xShape);
  const dense = src === x && x.isContiguous;
  const data = dense ? x.data : allocate(x.dtype, sizeOf(xShape));
  if (!dense) backend().copy(src, data);
  const flat = { data, shape: [sizeOf(xShape)], strides: [1], offset: dense ? x.offset : 0 };
  const out = new Tensor(allocate(x.dtype, positions.length), shape);
  backend().gather(flat, 0, positions, out.data);
  if (!isFloat(x.dtype)) return out;
  return record(rule, [x, indices], out, { positions: new Tensor(positions, shape), shape: xShape });
}
