import { primitive, record } from "../autograd/node.js";
import { allocate } from "../dtype.js";
import { broadcastShapes, sizeOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { assertTensor, backend, broadcastView, operands, type TensorLike } from "./util.js";

// d where(c, a, b) = where(c, da, db); the condition has no derivative.
const rule = primitive(
  "where",
  (g, [c]) => [null, where(c!, g, 0), where(c!, 0, g)],
  ([, da, db], [c]) => (da || db ? where(c!, da ?? 0, db ?? 0) : null),
);

/** Picks `a` where `cond` is nonzero and `b` elsewhere, all three broadcast together. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  assertTensor("where", cond, "cond");
  const [x, y] = operands("where", a, b);
  const shape = broadcastShapes("where", broadcastShapes("where", cond.shape, x.shape), y.shape);
  const out = new Tensor(allocate(x.dtype, sizeOf(shape)), shape);
  backend().where(broadcastView(cond, shape), broadcastView(x, shape), broadcastView(y, shape), out.data);
  return record(rule, [cond, x, y], out, undefined);
}
