import { type Primitive, primitive, record } from "../autograd/node.js";
import type { UnaryOp } from "../backend/backend.js";
import { allocate } from "../dtype.js";
import { sizeOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { div, le, mul, sub } from "./binary.js";
import { assertTensor, backend, requireFloat } from "./util.js";
import { where } from "./where.js";

// One line per primitive: its derivative, written with differentiable ops so it differentiates again.
const rules: { [P in UnaryOp]: Primitive } = {
  neg: primitive("neg", (g) => [neg(g)]), // d(-x) = -dx
  exp: primitive("exp", (g, _, out) => [mul(g, out)]), // d exp(x) = exp(x) dx
  log: primitive("log", (g, [x]) => [div(g, x!)]), // d log(x) = dx / x
  sin: primitive("sin", (g, [x]) => [mul(g, cos(x!))]), // d sin(x) = cos(x) dx
  cos: primitive("cos", (g, [x]) => [neg(mul(g, sin(x!)))]), // d cos(x) = -sin(x) dx
  tanh: primitive("tanh", (g, _, out) => [mul(g, sub(1, square(out)))]), // d tanh(x) = (1 - tanh(x)^2) dx
  sigmoid: primitive("sigmoid", (g, _, s) => [mul(g, mul(s, sub(1, s)))]), // d s(x) = s(x)(1 - s(x)) dx
  // NOTE: the mask is where(x <= 0), so relu'(0) = 0 and a NaN passes g on, as PyTorch's threshold_backward.
  relu: primitive("relu", (g, [x]) => [where(le(x!, 0), 0, g)]), // d relu(x) = [x > 0] dx
  sqrt: primitive("sqrt", (g, _, out) => [div(g, mul(out, 2))]), // d sqrt(x) = dx / (2 sqrt(x))
  abs: primitive("abs", (g, [x]) => [mul(g, sign(x!))]), // d |x| = sign(x) dx
  square: primitive("square", (g, [x]) => [mul(g, mul(x!, 2))]), // d x^2 = 2x dx
  sign: primitive("sign", () => [null]), // d sign(x) = 0 almost everywhere
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
