import { withoutTangents } from "../autograd/forward.js";
import { noGrad } from "../autograd/grad-mode.js";
import { primitive, record } from "../autograd/node.js";
import type { ReduceOp } from "../backend/backend.js";
import { allocate, isFloat } from "../dtype.js";
import { normAxes, normAxis, shapeStr, sizeOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { astype } from "./astype.js";
import { add, div, eq, mul, sub } from "./binary.js";
import { exp, log, square } from "./unary.js";
import { assertTensor, backend, requireFloat } from "./util.js";
import { detach, expand, reshape } from "./view.js";

/** Which axes to reduce and the result's shape. */
interface ReduceAttrs {
  axes: number[];
  keepdims: boolean;
}

/** The axes a reduction runs over: one axis or several, negative counting from the end. */
export type Axis = number | readonly number[];

function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** The gradient of a reduction, reshaped with its reduced axes as size 1 and expanded back. */
function spread(g: Tensor, x: Tensor, axes: readonly number[]): Tensor {
  return expand(reshape(g, keptShape(x.shape, axes)), x.shape);
}

// d sum(x) = sum(dx): the cotangent is spread back over the reduced axes.
const sumRule = primitive<ReduceAttrs>(
  "sum",
  (g, [x], _, { axes }) => [spread(g, x!, axes)],
  ([dx], _, __, { axes, keepdims }) => sum(dx!, axes, keepdims),
);

/** [x == max] / count over `axes`: the share of each element in max(x) (ties share evenly). */
function share(x: Tensor, out: Tensor, axes: readonly number[]): Tensor {
  const mask = astype(eq(x, spread(detach(out), x, axes)), x.dtype);
  return div(mask, sum(mask, axes, true));
}

// d max(x) = sum([x == max] / count * dx): ties share the derivative evenly.
const extremumRule = (name: string) =>
  primitive<ReduceAttrs>(
    name,
    (g, [x], out, { axes }) => [mul(spread(g, x!, axes), share(x!, out, axes))],
    ([dx], [x], out, { axes, keepdims }) => sum(mul(dx!, share(x!, out, axes)), axes, keepdims),
  );
const rules = { sum: sumRule, max: extremumRule("max"), min: extremumRule("min") };

function reduceOp(op: ReduceOp, x: Tensor, axis: Axis | undefined, keepdims: boolean): Tensor {
  assertTensor(op, x);
  const axes = normAxes(op, axis, x.ndim);
  const kept = keptShape(x.shape, axes);
  const shape = keepdims ? kept : x.shape.filter((_, i) => !axes.includes(i));
  if (op !== "sum" && axes.some((a) => x.shape[a] === 0)) {
    throw new Error(`${op}: cannot reduce an empty axis of a tensor of shape ${shapeStr(x.shape)}`);
  }
  const isArg = op === "argmax" || op === "argmin";
  const out = new Tensor(allocate(isArg ? "int32" : x.dtype, sizeOf(shape)), shape);
  backend().reduce(op, x, axes, out.data);
  if (isArg || !isFloat(x.dtype)) return out;
  return record(rules[op as "sum" | "max" | "min"], [x], out, { axes, keepdims });
}

/** Sum over `axis` (all axes when omitted). */
export const sum = (x: Tensor, axis?: Axis, keepdims = false): Tensor => reduceOp("sum", x, axis, keepdims);
/** Maximum over `axis`; ties share the gradient. */
export const max = (x: Tensor, axis?: Axis, keepdims = false): Tensor => reduceOp("max", x, axis, keepdims);
/** Minimum over `axis`; ties share the gradient. */
export const min = (x: Tensor, axis?: Axis, keepdims = false): Tensor => reduceOp("min", x, axis, keepdims);

/** Index of the maximum along `axis` (of the flattened tensor when omitted), as int32. */
export function argmax(x: Tensor, axis?: number, keepdims = false): Tensor {
  return reduceOp("argmax", x, axis, keepdims);
}

/** Index of the minimum along `axis` (of the flattened tensor when omitted), as int32. */
export function argmin(x: Tensor, axis?: number, keepdims = false): Tensor {
  return reduceOp("argmin", x, axis, keepdims);
}

function count(op: string, x: Tensor, axis: Axis | undefined): number {
  return normAxes(op, axis, x.ndim).reduce((n, a) => n * x.shape[a]!, 1);
}

/** Arithmetic mean over `axis`. */
export function mean(x: Tensor, axis?: Axis, keepdims = false): Tensor {
  requireFloat("mean", x);
  const n = count("mean", x, axis); // first, so a bad axis is reported as mean's
  return div(sum(x, axis, keepdims), n);
}

/** Variance over `axis` with Bessel's correction by default (`correction = 1`), as torch.var. */
export function variance(x: Tensor, axis?: Axis, keepdims = false, correction = 1): Tensor {
  requireFloat("var", x);
  const n = count("var", x, axis);
  const centred = sub(x, mean(x, axis, true));
  return div(sum(square(centred), axis, keepdims), Math.max(n - correction, 0));
}

/**
 * x - max(x) along `axes` (kept as size 1), with the maximum held constant: softmax, logSoftmax
 * and logsumexp do not depend on the shift, so neither do their gradients, and the largest
 * shifted value is exactly 0, so exp never overflows (logits of 1e4 stay finite).
 */
function shiftByMax(x: Tensor, axes: number[]): [Tensor, Tensor] {
  // NOTE: constant for forward mode too (no tangent): its derivative would cancel anyway.
  const m = noGrad(() =>
    withoutTangents(() => {
      const mx = max(x, axes, true);
      // NOTE: an all -Infinity row would give -inf - -inf = NaN; shift by 0 there instead.
      const d = mx.data;
      for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i]!)) d[i] = 0;
      return mx;
    }),
  );
  return [sub(x, m), m];
}

/** log(sum(exp(x))) over `axis`, stable for large inputs. */
export function logsumexp(x: Tensor, axis?: Axis, keepdims = false): Tensor {
  requireFloat("logsumexp", x);
  const axes = normAxes("logsumexp", axis, x.ndim);
  const [z, m] = shiftByMax(x, axes);
  const s = add(log(sum(exp(z), axes, true)), m);
  return keepdims
    ? s
    : reshape(
        s,
        x.shape.filter((_, i) => !axes.includes(i)),
      );
}

/** log(softmax(x)) along `axis`: (x - m) - log(sum(exp(x - m))), stable for logits of 1e4. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  requireFloat("logSoftmax", x);
  const axes = [normAxis("logSoftmax", axis, x.ndim)];
  const [z] = shiftByMax(x, axes);
  return sub(z, log(sum(exp(z), axes, true)));
}

/** exp(x) / sum(exp(x)) along `axis`, computed from x - max(x): stable for logits of 1e4. */
export function softmax(x: Tensor, axis = -1): Tensor {
  requireFloat("softmax", x);
  const axes = [normAxis("softmax", axis, x.ndim)];
  const [z] = shiftByMax(x, axes);
  const e = exp(z);
  return div(e, sum(e, axes, true));
}
