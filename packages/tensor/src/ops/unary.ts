import { type Primitive, primitive, record } from "../autograd/node.js";
import type { UnaryOp } from "../backend/backend.js";
import { allocate } from "../dtype.js";
import { sizeOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { div, le, mul, sub } from "./binary.js";
import { assertTensor, backend, requireFloat } from "./util.js";
import { where } from "./where.js";

/** The derivative of an elementwise op at x (output y): the linear map v -> f'(x) v, elementwise. */
type Derivative = (v: Tensor, x: Tensor, y: Tensor) => Tensor;

// One line per primitive: its derivative, written with differentiable ops so it differentiates
// again. An elementwise Jacobian is diagonal, so the same map gives both rules: reverse mode
// applies it to the cotangent g, forward mode to the tangent dx.
const derivatives: { [P in UnaryOp]: Derivative | null } = {
  neg: (v) => neg(v), // d(-x) = -dx
  exp: (v, _, y) => mul(v, y), // d exp(x) = exp(x) dx
  log: (v, x) => div(v, x), // d log(x) = dx / x
  sin: (v, x) => mul(v, cos(x)), // d sin(x) = cos(x) dx
  cos: (v, x) => neg(mul(v, sin(x))), // d cos(x) = -sin(x) dx
  tanh: (v, _, y) => mul(v, sub(1, square(y))), // d tanh(x) = (1 - tanh(x)^2) dx
  sigmoid: (v, _, s) => mul(v, mul(s, sub(1, s))), // d s(x) = s(x)(1 - s(x)) dx
  // NOTE: the mask is where(x <= 0), so relu'(0) = 0 and a NaN passes g on, as PyTorch's threshold_backward.
  relu: (v, x) => where(le(x, 0), 0, v), // d relu(x) = [x > 0] dx
  sqrt: (v, _, y) => div(v, mul(y, 2)), // d sqrt(x) = dx / (2 sqrt(x))
  abs: (v, x) => mul(v, sign(x)), // d |x| = sign(x) dx
  square: (v, x) => mul(v, mul(x, 2)), // d x^2 = 2x dx
  sign: null, // d sign(x) = 0 almost everywhere
};

function rule(op: UnaryOp): Primitive {
  const d = derivatives[op];
  if (d === null)
    return primitive(
      op,
      () => [null],
      () => null,
    );
  return primitive(
    op,
    (g, [x], y) => [d(g, x!, y)],
    ([dx], [x], y) => d(dx!, x!, y),
  );
}

const rules = Object.fromEntries(Object.keys(derivatives).map((op) => [op, rule(op as UnaryOp)])) as {
  [P in UnaryOp]: Primitive;
};

const floatOnly = new Set<UnaryOp>(["exp", "log", "sin", "cos", "tanh", "sigmoid", "sqrt"]);

function unary(op: UnaryOp, x: Tensor): Tensor {
  assertTensor(op, x);
  if (floatOnly.has(op)) requireFloat(op, x);
  const out = new Tensor(allocate(x.dtype, sizeOf(x.shape)), x.shape);
  backend().unary(op, x, out.data);
  return record(rules[op], [x], out, undefined);
}

/** -x, elementwise. */
export const neg = (x: Tensor): Tensor => unary("neg", x);
/** e^x, elementwise. */
export const exp = (x: Tensor): Tensor => unary("exp", x);
/** Natural logarithm, elementwise. */
export const log = (x: Tensor): Tensor => unary("log", x);
/** sin(x), elementwise. */
export const sin = (x: Tensor): Tensor => unary("sin", x);
/** cos(x), elementwise. */
export const cos = (x: Tensor): Tensor => unary("cos", x);
/** tanh(x), elementwise. */
export const tanh = (x: Tensor): Tensor => unary("tanh", x);
/** 1 / (1 + e^-x), elementwise, without overflow for large |x|. */
export const sigmoid = (x: Tensor): Tensor => unary("sigmoid", x);
/** max(x, 0), elementwise; NaN stays NaN. */
export const relu = (x: Tensor): Tensor => unary("relu", x);
/** Square root, elementwise. */
export const sqrt = (x: Tensor): Tensor => unary("sqrt", x);
/** |x|, elementwise. */
export const abs = (x: Tensor): Tensor => unary("abs", x);
/** x^2, elementwise. */
export const square = (x: Tensor): Tensor => unary("square", x);
/** -1, 0 or 1 by the sign of x (NaN stays NaN). */
export const sign = (x: Tensor): Tensor => unary("sign", x);
