import { primitive, record } from "../autograd/node.js";
import { allocate } from "../dtype.js";
import { Tensor } from "../tensor.js";
import { astype } from "./astype.js";
import { ge, le, mul } from "./binary.js";
import { assertTensor, backend, broadcastView, scalarOf } from "./util.js";

interface Bounds {
  min: number;
  max: number;
}

/** v where min <= x <= max, else 0: clamp's derivative applied to v. */
function inside(v: Tensor, x: Tensor, { min, max }: Bounds): Tensor {
  return mul(v, astype(mul(ge(x, min), le(x, max)), v.dtype));
}

// d clamp(x) = [min <= x <= max] dx, as in PyTorch (the bounds themselves pass gradient).
const rule = primitive<Bounds>(
  "clamp",
  (g, [x], _, bounds) => [inside(g, x!, bounds)],
  ([dx], [x], _, bounds) => inside(dx!, x!, bounds),
);

/** Limits each element to [min, max]; either bound may be omitted. */
export function clamp(x: Tensor, min?: number, max?: number): Tensor {
  assertTensor("clamp", x);
  let lo = min ?? -Infinity;
  let hi = max ?? Infinity;
  if (Number.isNaN(lo) || Number.isNaN(hi)) throw new Error("clamp: bounds must not be NaN");
  if (x.dtype === "int32") {
    // NOTE: an int32 scalar cannot hold +-Infinity or a fraction (it would store 0 or truncate):
    // round the bounds inward (x >= 0.5 means x >= 1) and into int32's range.
    lo = Math.min(Math.max(Math.ceil(lo), -(2 ** 31)), 2 ** 31 - 1);
    hi = Math.max(Math.min(Math.floor(hi), 2 ** 31 - 1), -(2 ** 31));
  }
  const out = new Tensor(allocate(x.dtype, x.size), x.shape);
  const b = backend();
  b.binary("maximum", x, broadcastView(scalarOf(lo, x.dtype), x.shape), out.data);
  b.binary("minimum", out, broadcastView(scalarOf(hi, x.dtype), x.shape), out.data);
  return record(rule, [x], out, { min: lo, max: hi });
}
