import { primitive, record } from "../autograd/node.js";
import { zeros } from "../create.js";
import { allocate } from "../dtype.js";
import { contiguousStrides, normAxis, shapeStr, sizeOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { concat } from "./concat.js";
import { assertTensor, backend } from "./util.js";

// Views share storage: only shape, strides and offset change. Their reverse rules move the
// gradient back through the inverse view; their forward rules apply the same view to the tangent.

// d reshape(x) = reshape(dx); the gradient is reshaped back (squeeze and unsqueeze too).
const reshapeRule = primitive(
  "reshape",
  (g, [x]) => [reshape(g, x!.shape)],
  ([dx], _, out) => reshape(dx!, out.shape),
);
// d transpose(x) = transpose(dx); the gradient goes back through the inverse permutation.
const transposeRule = primitive<number[]>(
  "transpose",
  (g, _, __, perm) => [transpose(g, inversePermutation(perm))],
  ([dx], _, __, perm) => transpose(dx!, perm),
);
// d expand(x) = expand(dx); the engine sums g back to x's shape.
const expandRule = primitive(
  "expand",
  (g) => [g],
  ([dx], _, out) => expand(dx!, out.shape),
);
// d narrow(x) = narrow(dx); the gradient is padded with zeros to x's extent along the axis.
const narrowRule = primitive<[number, number]>(
  "narrow",
  (g, [x], _, [axis, start]) => [padTo(g, x!.shape[axis]!, axis, start)],
  ([dx], _, out, [axis, start]) => narrow(dx!, axis, start, out.shape[axis]!),
);
// d contiguous(x) = dx, and d alias(x) = dx: the same values.
const contiguousRule = primitive(
  "contiguous",
  (g) => [g],
  ([dx]) => dx!,
);
const aliasRule = primitive(
  "alias",
  (g) => [g],
  ([dx]) => dx!,
);

function inversePermutation(perm: readonly number[]): number[] {
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    inverse[p] = i;
  });
  return inverse;
}

/** `g` with zeros before (`start` of them) and after it along `axis`, to length `n`. */
function padTo(g: Tensor, n: number, axis: number, start: number): Tensor {
  const len = g.shape[axis]!;
  const before = g.shape.map((d, i) => (i === axis ? start : d));
  const after = g.shape.map((d, i) => (i === axis ? n - start - len : d));
  return concat([zeros(before, { dtype: g.dtype }), g, zeros(after, { dtype: g.dtype })], axis);
}

function view(x: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
  return new Tensor(x.data, shape, strides, offset);
}

/** A copy of `x` in row-major order, or `x` itself when it already is. */
export function contiguous(x: Tensor): Tensor {
  assertTensor("contiguous", x);
  if (x.isContiguous) return x;
  const out = new Tensor(allocate(x.dtype, x.size), x.shape);
  backend().copy(x, out.data);
  return record(contiguousRule, [x], out, undefined);
}

/**
 * The same elements in a new shape; one axis may be -1. A view whenever the strides allow it
 * (see viewStrides), a contiguous copy otherwise, as torch.reshape.
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  assertTensor("reshape", x);
  if (!Array.isArray(shape)) throw new Error(`reshape: shape must be an array, got ${typeof shape}`);
  const target = shape.slice();
  const unknown = target.indexOf(-1);
  if (target.some((d, i) => !Number.isInteger(d) || d < -1 || (d === -1 && i !== unknown))) {
    throw new Error(`reshape: invalid target shape ${shapeStr(shape)} (at most one -1, others >= 0)`);
  }
  if (unknown >= 0) {
    const rest = sizeOf(target.filter((_, i) => i !== unknown));
    if (rest === 0 || x.size % rest !== 0) {
      throw new Error(
        `reshape: cannot reshape ${shapeStr(x.shape)} (${x.size} elements) into ${shapeStr(shape)}`,
      );
    }
    target[unknown] = x.size / rest;
  }
  if (sizeOf(target) !== x.size) {
    throw new Error(
      `reshape: cannot reshape ${shapeStr(x.shape)} (${x.size} elements) into ${shapeStr(shape)}`,
    );
  }
  const strides = viewStrides(x.shape, x.strides, target);
  if (strides !== null) return record(reshapeRule, [x], view(x, target, strides, x.offset), undefined);
  const src = contiguous(x);
  return record(reshapeRule, [src], view(src, target, contiguousStrides(target), src.offset), undefined);
}

/**
 * Strides that show the elements of a view (shape, strides) in `target` shape without a copy, or
 * null when there are none (PyTorch's computeStride). The view is cut into chunks of axes that
 * step through storage evenly (stride[d] = stride[d+1] * shape[d+1]); each chunk may be split or
 * merged freely, but a target axis may not straddle two chunks.
 */
export function viewStrides(
  shape: readonly number[],
  strides: readonly number[],
  target: readonly number[],
): number[] | null {
  const out = new Array<number>(target.length).fill(1);
  if (shape.length === 0) return out;
  if (sizeOf(shape) === 0) return contiguousStrides(target); // nothing to read: any layout will do
  let t = target.length - 1;
  let base = strides[shape.length - 1]!; // the stride of the chunk's last axis
  let chunk = 1;
  let taken = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    chunk *= shape[d]!;
    if (d === 0 || (shape[d - 1] !== 1 && strides[d - 1] !== chunk * base)) {
      // The chunk ends at axis d: target axes must cover exactly its `chunk` elements.
      while (t >= 0 && (taken < chunk || target[t] === 1)) {
        out[t] = taken * base;
        taken *= target[t]!;
        t--;
      }
      if (taken !== chunk) return null;
      if (d > 0) {
        base = strides[d - 1]!;
        chunk = 1;
        taken = 1;
      }
    }
  }
  return t === -1 ? out : null;
}

/** Permutes the axes (reverses them when `axes` is omitted). A view. */
export function transpose(x: Tensor, axes?: readonly number[]): Tensor {
  assertTensor("transpose", x);
  if (axes !== undefined && !Array.isArray(axes))
    throw new Error(`transpose: axes must be an array, got ${typeof axes}`);
  const nd = x.ndim;
  const perm = axes ? axes.map((a) => normAxis("transpose", a, nd)) : [...Array(nd).keys()].reverse();
  if (perm.length !== nd || new Set(perm).size !== nd) {
    throw new Error(
      `transpose: axes [${axes?.join(",")}] are not a permutation of ${nd} axes of ${shapeStr(x.shape)}`,
    );
  }
  const out = view(
    x,
    perm.map((p) => x.shape[p]!),
    perm.map((p) => x.strides[p]!),
    x.offset,
  );
  return record(transposeRule, [x], out, perm);
}

/** Broadcasts `x` to `shape` without copying (-1 keeps an axis); a size-1 axis repeats by stride 0. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  assertTensor("expand", x);
  if (!Array.isArray(shape)) throw new Error(`expand: shape must be an array, got ${typeof shape}`);
  const lead = shape.length - x.ndim;
  if (lead < 0)
    throw new Error(`expand: cannot expand ${shapeStr(x.shape)} to fewer axes ${shapeStr(shape)}`);
  if (shape.some((d, i) => !Number.isInteger(d) || d < -1 || (d === -1 && i < lead))) {
    throw new Error(
      `expand: invalid target shape ${shapeStr(shape)} for ${shapeStr(x.shape)} (sizes >= 0; -1 only for existing axes)`,
    );
  }
  const target = shape.map((d, i) => (d === -1 && i >= lead ? x.shape[i - lead]! : d));
  const strides = target.map((d, i) => {
    if (i < lead) return 0;
    const xd = x.shape[i - lead]!;
    if (xd === d) return x.strides[i - lead]!;
    if (xd === 1) return 0;
    throw new Error(
      `expand: cannot expand ${shapeStr(x.shape)} to ${shapeStr(shape)}: axis ${i} has ${xd} != ${d}`,
    );
  });
  if (lead === 0 && target.every((d, i) => d === x.shape[i])) return x;
  return record(expandRule, [x], view(x, target, strides, x.offset), undefined);
}

/** The slice [start, start + length) of `axis`. A view. */
export function narrow(x: Tensor, axis: number, start: number, length: number): Tensor {
  assertTensor("narrow", x);
  const a = normAxis("narrow", axis, x.ndim);
  const n = x.shape[a]!;
  if (start < 0) start += n;
  if (
    !Number.isInteger(start) ||
    !Number.isInteger(length) ||
    start < 0 ||
    length < 0 ||
    start + length > n
  ) {
    throw new Error(
      `narrow: range [${start}, ${start}+${length}) is out of bounds for axis ${axis} of ${shapeStr(x.shape)}`,
    );
  }
  const shape = x.shape.slice();
  shape[a] = length;
  return record(narrowRule, [x], view(x, shape, x.strides, x.offset + start * x.strides[a]!), [a, start]);
}

/** Removes size-1 axes (all of them, or the given ones). A view. */
export function squeeze(x: Tensor, axis?: number | readonly number[]): Tensor {
  assertTensor("squeeze", x);
  const axes =
    axis === undefined
      ? []
      : (typeof axis === "number" ? [axis] : axis).map((a) => normAxis("squeeze", a, x.ndim));
  for (const a of axes) {
    if (x.shape[a] !== 1)
      throw new Error(`squeeze: axis ${a} of ${shapeStr(x.shape)} has size ${x.shape[a]}, not 1`);
  }
  const keep = x.shape.map((d, i) => (axis === undefined ? d !== 1 : !axes.includes(i)));
  const out = view(
    x,
    x.shape.filter((_, i) => keep[i]),
    x.strides.filter((_, i) => keep[i]),
    x.offset,
  );
  return record(reshapeRule, [x], out, undefined);
}

/** Inserts a size-1 axis at `axis` (-1 appends it). A view. */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  assertTensor("unsqueeze", x);
  const a = normAxis("unsqueeze", axis, x.ndim + 1);
  const shape = x.shape.slice();
  const strides = x.strides.slice();
  shape.splice(a, 0, 1);
  strides.splice(a, 0, a < x.ndim ? x.strides[a]! * x.shape[a]! : 1);
  return record(reshapeRule, [x], view(x, shape, strides, x.offset), undefined);
}

/** All elements in one axis. */
export function flatten(x: Tensor): Tensor {
  return reshape(x, [-1]);
}

/**
 * The same values in a new tensor object, recorded as an identity op: derivatives flow through
 * it. What a transform perturbs or traces in place of its argument.
 */
export function alias(x: Tensor): Tensor {
  assertTensor("alias", x);
  return record(aliasRule, [x], view(x, x.shape, x.strides, x.offset), undefined);
}

/** The same values, cut off from the graph: no gradient (and no tangent) flows through the result. */
export function detach(x: Tensor): Tensor {
  assertTensor("detach", x);
  return view(x, x.shape, x.strides, x.offset);
}
