import { allocate } from "../dtype.js";
import { primitive } from "../grad-mode.js";
import { record, Tensor } from "../tensor.js";
import { astype } from "./astype.js";
import { ge, le, mul } from "./binary.js";
import { assertTensor, backend, broadcastView, scalarOf } from "./util.js";

interface Bounds {
  min: number;
  max: number;
}

// d clamp(x) = [min <= x <= max] dx, as in PyTorch (the bounds themselves pass gradient).
const rule = primitive<Bounds>("clamp", (g, [x], _, { min, max }) => [
  mul(g, astype(mul(ge(x!, min), le(x!, max)), g.dtype)),
]);

/** Limits each element to [min, max]; either bound may be omitted. */
export function clamp(x: Tensor, min?: number, max?: number): Tensor {
  assertTensor("clamp", x);
  const int = x.dtype === "int32";
  const lo = min ?? (int ? -(2 ** 31) : -Infinity);
  const hi = max ?? (int ? 2 ** 31 - 1 : Infinity);
  if (Number.isNaN(lo) || Number.isNaN(hi)) throw new Error("clamp: bounds must not be NaN");
  const out = new Tensor(allocate(x.dtype, x.size), x.shape);
  const b = backend();
  b.binary("maximum", x, broadcastView(scalarOf(lo, x.dtype), x.shape), out.data);
  b.binary("minimum", out, broadcastView(scalarOf(hi, x.dtype), x.shape), out.data);
  return record(rule, [x], out, { min: lo, max: hi });
}
