import { primitive, record } from "../autograd/node.js";
import { allocate, assertDType, type DType, isFloat } from "../dtype.js";
import { Tensor } from "../tensor.js";
import { assertTensor, backend } from "./util.js";

// d astype(x) = astype(dx): the gradient is cast back to x's dtype, the tangent on to the output's;
// casts from or to integers carry no derivative.
const rule = primitive(
  "astype",
  (g, [x]) => [isFloat(x!.dtype) ? astype(g, x!.dtype) : null],
  ([dx], _, out) => astype(dx!, out.dtype),
);

/** A copy of `x` converted to `dtype` (returns `x` itself when it already has that dtype). */
export function astype(x: Tensor, dtype: DType): Tensor {
  assertTensor("astype", x);
  assertDType("astype", dtype);
  if (x.dtype === dtype) return x;
  const out = new Tensor(allocate(dtype, x.size), x.shape);
  if (dtype === "int32") {
    const tmp = allocate("float64", x.size);
    backend().copy(x, tmp);
    for (let i = 0; i < tmp.length; i++) out.data[i] = Math.trunc(tmp[i]!); // toward zero, as C casts
  } else backend().copy(x, out.data);
  return isFloat(dtype) ? record(rule, [x], out, undefined) : out;
}
