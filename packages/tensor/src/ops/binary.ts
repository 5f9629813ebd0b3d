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

/** The sum of two tangents, `null` standing for a zero one (an input with no tangent). */
export function plus(a: Tensor | null | undefined, b: Tensor | null | undefined): Tensor | null {
  if (!a) return b ?? null;
  return b ? add(a, b) : a;
}

// Reverse rules get the cotangent g; their gradients keep the broadcast shape (the engine sums
// them back to each input's shape). Forward rules get the tangents da, db (null for none); the
// ops broadcast them, and forward mode expands a lone da to the output's shape.
const rules: { [P in Arith]: Primitive } = {
  // d(a + b) = da + db
  add: primitive(
    "add",
    (g) => [g, g],
    ([da, db]) => plus(da, db),
  ),
  // d(a - b) = da - db
  sub: primitive(
    "sub",
    (g, [, b]) => [g, b!.requiresGrad ? neg(g) : null],
    ([da, db]) => plus(da, db && neg(db)),
  ),
  // d(ab) = b da + a db
  mul: primitive(
    "mul",
    (g, [a, b]) => [a!.requiresGrad ? mul(g, b!) : null, b!.requiresGrad ? mul(g, a!) : null],
    ([da, db], [a, b]) => plus(da && mul(da, b!), db && mul(db, a!)),
  ),
  // d(a/b) = da/b - (a/b^2) db
  div: primitive(
    "div",
    (g, [a, b], out) => [
      a!.requiresGrad ? div(g, b!) : null,
      b!.requiresGrad ? neg(div(mul(g, out), b!)) : null,
    ],
    ([da, db], [, b], out) => plus(da && div(da, b!), db && neg(div(mul(db, out), b!))),
  ),
  // d(a^b) = b a^(b-1) da + a^b log(a) db
  // NOTE: as in PyTorch, the first term is 0 where b = 0 even at a = 0 (0 * 0^-1 would give NaN),
  // and the second is 0 where a = 0 and b >= 0 (0^b log 0 would give 0 * -inf = NaN).
  pow: primitive(
    "pow",
    (g, [a, b], out) => [
      a!.requiresGrad ? powBase(g, a!, b!) : null,
      b!.requiresGrad ? powExp(g, a!, b!, out) : null,
    ],
    ([da, db], [a, b], out) => plus(da && powBase(da, a!, b!), db && powExp(db, a!, b!, out)),
  ),
  // ties split the derivative evenly, as in PyTorch: d max(a, b) = m da + (1 - m) db
  maximum: primitive(
    "maximum",
    (g, [a, b]) => spread(g, winnerMask(a!, b!, "gt")),
    ([da, db], [a, b]) => blend(da, db, winnerMask(a!, b!, "gt")),
  ),
  minimum: primitive(
    "minimum",
    (g, [a, b]) => spread(g, winnerMask(a!, b!, "lt")),
    ([da, db], [a, b]) => blend(da, db, winnerMask(a!, b!, "lt")),
  ),
};

/** b a^(b-1) v, 0 where b = 0: pow's derivative in its base applied to v. */
function powBase(v: Tensor, a: Tensor, b: Tensor): Tensor {
  return where(eq(b, 0), 0, mul(v, mul(b, pow(a, sub(b, 1)))));
}

/** a^b log(a) v, 0 where a = 0 and b >= 0: pow's derivative in its exponent applied to v. */
function powExp(v: Tensor, a: Tensor, b: Tensor, out: Tensor): Tensor {
  return where(mul(eq(a, 0), ge(b, 0)), 0, mul(v, mul(out, log(a))));
}

/** The cotangents of maximum/minimum: g m to the first operand, g (1 - m) to the second. */
function spread(g: Tensor, m: Tensor): Tensor[] {
  return [mul(g, m), mul(g, sub(1, m))];
}

/** The tangent of maximum/minimum: m da + (1 - m) db. */
function blend(da: Tensor | null | undefined, db: Tensor | null | undefined, m: Tensor): Tensor | null {
  return plus(da && mul(da, m), db && mul(db, sub(1, m)));
}

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
