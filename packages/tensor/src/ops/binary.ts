import { type Primitive, primitive, record } from "../autograd/node.js";
import type { BinaryOp } from "../backend/backend.js";
import { allocate } from "../dtype.js";
import { sizeOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { astype } from "./astype.js";
import { log, neg } from "./unary.js";
import { backend, broadcastPair, operands, requireFloat, type TensorLike } from "./util.js";
import { where } from "./where.js";

type Arith = "add" | "sub" | "mul" | "div" | "pow" | "maximum" | "minimum";
type Compare = Exclude<BinaryOp, Arith>;

/** The share of the gradient that goes to `a` in maximum/minimum: 1 where a wins, 1/2 on ties. */
function winnerMask(a: Tensor, b: Tensor, op: "gt" | "lt"): Tensor {
  return add(astype(compare(op, a, b), a.dtype), mul(astype(compare("eq", a, b), a.dtype), 0.5));
}

// Gradients keep the broadcast shape; the engine sums them back to each input's shape.
const rules: { [P in Arith]: Primitive } = {
  add: primitive("add", (g) => [g, g]), // d(a + b) = da + db
  sub: primitive("sub", (g, [, b]) => [g, b!.requiresGrad ? neg(g) : null]), // d(a - b) = da - db
  mul: primitive("mul", (g, [a, b]) => [
    a!.requiresGrad ? mul(g, b!) : null, // d(ab) = b da + a db
    b!.requiresGrad ? mul(g, a!) : null,
  ]),
  div: primitive("div", (g, [a, b], out) => [
    a!.requiresGrad ? div(g, b!) : null, // d(a/b) = da/b - (a/b^2) db
    b!.requiresGrad ? neg(div(mul(g, out), b!)) : null,
  ]),
  pow: primitive("pow", (g, [a, b], out) => [
    // d(a^b) = b a^(b-1) da + a^b log(a) db
    // NOTE: as in PyTorch, the first term is 0 where b = 0 even at a = 0 (0 * 0^-1 would give NaN),
    // and the second is 0 where a = 0 and b >= 0 (0^b log 0 would give 0 * -inf = NaN).
    a!.requiresGrad ? where(eq(b!, 0), 0, mul(g, mul(b!, pow(a!, sub(b!, 1))))) : null,
    b!.requiresGrad ? where(mul(eq(a!, 0), ge(b!, 0)), 0, mul(g, mul(out, log(a!)))) : null,
  ]),
  maximum: primitive("maximum", (g, [a, b]) => {
    const m = winnerMask(a!, b!, "gt"); // ties split the gradient evenly, as in PyTorch
    return [mul(g, m), mul(g, sub(1, m))];
  }),
  minimum: primitive("minimum", (g, [a, b]) => {
    const m = winnerMask(a!, b!, "lt");
    return [mul(g, m), mul(g, sub(1, m))];
  }),
};

function arith(op: Arith, x: TensorLike, y: TensorLike): Tensor {
  const [a, b] = operands(op, x, y);
  if (op === "pow") requireFloat(op, a);
  if (op === "div" && a.dtype === "int32") {
    throw new Error("div: integer division of int32 tensors is not defined; cast with astype('float32')");
  }
  const [av, bv, shape] = broadcastPair(op, a, b);
  const out = new Tensor(allocate(a.dtype, sizeOf(shape)), shape);
  backend().binary(op, av, bv, out.data);
  return record(rules[op], [a, b], out, undefined);
}

function compare(op: Compare, x: TensorLike, y: TensorLike): Tensor {
  const [a, b] = operands(op, x, y);
  const [av, bv, shape] = broadcastPair(op, a, b);
  const out = new Tensor(allocate("int32", sizeOf(shape)), shape);
  backend().binary(op, av, bv, out.data);
  return out;
}

/** a + b with broadcasting. */
export const add = (a: TensorLike, b: TensorLike): Tensor => arith("add", a, b);
/** a - b with broadcasting. */
export const sub = (a: TensorLike, b: TensorLike): Tensor => arith("sub", a, b);
/** a * b with broadcasting. */
export const mul = (a: TensorLike, b: TensorLike): Tensor => arith("mul", a, b);
/** a / b with broadcasting (float tensors). */
export const div = (a: TensorLike, b: TensorLike): Tensor => arith("div", a, b);
/** x^exponent with broadcasting; the exponent may be a number or a tensor. */
export const pow = (x: TensorLike, exponent: TensorLike): Tensor => arith("pow", x, exponent);
/** Elementwise maximum; NaN propagates. */
export const maximum = (a: TensorLike, b: TensorLike): Tensor => arith("maximum", a, b);
/** Elementwise minimum; NaN propagates. */
export const minimum = (a: TensorLike, b: TensorLike): Tensor => arith("minimum", a, b);
/** a == b as int32 0/1. */
export const eq = (a: TensorLike, b: TensorLike): Tensor => compare("eq", a, b);
/** a != b as int32 0/1. */
export const ne = (a: TensorLike, b: TensorLike): Tensor => compare("ne", a, b);
/** a > b as int32 0/1. */
export const gt = (a: TensorLike, b: TensorLike): Tensor => compare("gt", a, b);
/** a >= b as int32 0/1. */
export const ge = (a: TensorLike, b: TensorLike): Tensor => compare("ge", a, b);
/** a < b as int32 0/1. */
export const lt = (a: TensorLike, b: TensorLike): Tensor => compare("lt", a, b);
/** a <= b as int32 0/1. */
export const le = (a: TensorLike, b: TensorLike): Tensor => compare("le", a, b);
