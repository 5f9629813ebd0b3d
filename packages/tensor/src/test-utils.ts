// Helpers shared by the tensor tests (not exported from index.ts): index arithmetic written out by
// hand, and builders that store a tensor's values in other layouts. They use no op under test
// beyond creating a tensor and taking views of it, so a kernel bug cannot hide in the reference.
import { expect } from "vitest";
import * as T from "./node.js";
import type { Tensor } from "./tensor.js";

/** The row-major multi-index of flat position `i` in `shape`. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d]!;
    i = Math.floor(i / shape[d]!);
  }
  return idx;
}

/** The row-major flat position of multi-index `idx` in `shape`: the inverse of `unravel`. */
export const ravel = (idx: readonly number[], shape: readonly number[]): number =>
  idx.reduce((acc, v, d) => acc * shape[d]! + v, 0);

/** The number of elements of `shape`: the product of its axes, 1 for a scalar. */
export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** `x`'s values in row-major order as a plain array. */
export const flat = (x: Tensor): number[] => Array.from(x.toTypedArray());

/** NumPy broadcasting written out, the law the kernels must follow; null where the shapes clash. */
export function naiveBroadcastShape(a: readonly number[], b: readonly number[]): number[] | null {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)]!;
    const db = i < n - b.length ? 1 : b[i - (n - b.length)]!;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** The multi-index into an operand of `shape` read at output index `idx`: size-1 axes read 0, extra leading axes of `idx` are dropped. */
export const broadcastIndex = (idx: readonly number[], shape: readonly number[]): number[] =>
  shape.map((d, i) => (d === 1 ? 0 : idx[idx.length - shape.length + i]!));

/** Filler for the gaps of a view: read by mistake, it shows in the result. */
const junk = (x: Tensor) => (x.dtype === "int32" ? 7777 : Number.NaN);

/** The same values stored column-major and transposed back: a non-contiguous view (`x` itself below 2-D). */
export function transposed(x: Tensor): Tensor {
  if (x.ndim < 2) return x;
  const rev = [...x.shape].reverse();
  const vals = x.toTypedArray();
  const data = T.allocate(x.dtype, x.size);
  for (let i = 0; i < x.size; i++) data[ravel(unravel(i, x.shape).reverse(), rev)] = vals[i]!;
  return T.transpose(T.tensor(data, { shape: rev }));
}

/**
 * `x`'s values written into the contiguous `block` at offset 1 on every axis and narrowed back out:
 * a view with an offset and gaps. `block` has `x`'s rank and dtype, each axis at least 1 longer.
 */
export function narrowedInto(x: Tensor, block: Tensor): Tensor {
  const data = block.toTypedArray();
  const vals = x.toTypedArray();
  for (let i = 0; i < x.size; i++)
    data[
      ravel(
        unravel(i, x.shape).map((v) => v + 1),
        block.shape,
      )
    ] = vals[i]!;
  let v = T.tensor(data, { shape: block.shape });
  for (let d = 0; d < x.ndim; d++) v = T.narrow(v, d, 1, x.shape[d]!);
  return v;
}

/** The same values with an offset and gaps: every axis padded by one junk element on each side, narrowed back. */
export function narrowed(x: Tensor): Tensor {
  const big = x.shape.map((d) => d + 2);
  return narrowedInto(x, T.tensor(T.allocate(x.dtype, sizeOf(big)).fill(junk(x)), { shape: big }));
}

/** The same values at every other element of storage (junk between them): every stride doubled. */
export function strided(x: Tensor): Tensor {
  const data = T.allocate(x.dtype, 2 * x.size).fill(junk(x));
  const vals = x.toTypedArray();
  for (let i = 0; i < x.size; i++) data[2 * i] = vals[i]!;
  return T.squeeze(T.narrow(T.tensor(data, { shape: [...x.shape, 2] }), -1, 0, 1), -1);
}

/** The values of contiguous `x` in other storage, named: transposed (2-D and up), narrowed and strided (1-D and up). */
export function layouts(x: Tensor): [string, Tensor][] {
  const out: [string, Tensor][] = [["contiguous", x]];
  if (x.ndim >= 2) out.push(["transposed", transposed(x)]);
  if (x.ndim >= 1) out.push(["narrowed", narrowed(x)], ["strided", strided(x)]);
  return out;
}

/** The vector-Jacobian products of the primitive that made `out`, for cotangent `g`, read straight from its graph node. */
export function vjpOf(out: Tensor, g: Tensor): (Tensor | null)[] {
  const node = out.gradFn;
  if (node === null || node.inputs === null || node.prim.multi)
    throw new Error("vjpOf: the output has no recorded one-output primitive");
  return node.prim.vjp(g, node.inputs, out, node.attrs as never, { createGraph: false });
}

/** `g` summed over the axes that broadcasting added or stretched, back to `shape` (what the engine does). */
function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  const lead = g.ndim - shape.length;
  const axes = g.shape.flatMap((d, i) => (i < lead || (shape[i - lead] === 1 && d !== 1) ? [i] : []));
  return T.reshape(axes.length > 0 ? T.sum(g, axes, true) : g, shape);
}

/**
 * Checks the rule of the primitive that `f` applies last against central differences in float64,
 * without the engine (inputs keep their layout, so strided views are checked as they are): for a seeded cotangent g, d<g, f(x)>/dx_j must equal the VJP's element j for
 * every element of every float input. Returns the worst absolute error (throws on a mismatch).
 */
export function checkVjp(
  f: (...xs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  eps = 1e-6,
  tol = 1e-6,
): number {
  // Leaves keep each input's layout (strides, offset) over a private copy of its storage.
  const leaves = inputs.map((x, i) => {
    if (x.shape.some((d, k) => d > 1 && x.strides[k] === 0))
      throw new Error(`checkVjp: input ${i} is an expanded (stride 0) view; pass a materialised tensor`);
    const c = new T.Tensor(x.data.slice(), x.shape, x.strides, x.offset);
    if (c.dtype === "float64") c.requiresGrad = true;
    return c;
  });
  const out = f(...leaves);
  const gen = new T.Generator(123);
  const g = T.randn(out.shape, { dtype: "float64", generator: gen });
  const gv = g.toTypedArray();
  const analytic = vjpOf(out, g);
  const node = out.gradFn!;
  let worst = 0;
  leaves.forEach((leaf, i) => {
    if (leaf.dtype !== "float64") return;
    const k = node.inputs!.indexOf(leaf);
    if (k < 0) throw new Error(`checkVjp: input ${i} is not an input of the last primitive`);
    const a = analytic[k];
    const av = a === null || a === undefined ? null : sumTo(a, leaf.shape).toTypedArray();
    const d = leaf.data;
    for (let j = 0; j < leaf.size; j++) {
      const pos = unravel(j, leaf.shape).reduce((p, v, k) => p + v * leaf.strides[k]!, leaf.offset);
      const at = (v: number) => {
        const orig = d[pos]!;
        d[pos] = v;
        const y = T.noGrad(() => f(...leaves)).toTypedArray();
        d[pos] = orig;
        let s = 0;
        for (let m = 0; m < y.length; m++) s += gv[m]! * y[m]!;
        return s;
      };
      const numeric = (at(d[pos]! + eps) - at(d[pos]! - eps)) / (2 * eps);
      const got = av === null ? 0 : av[j]!;
      const err = Math.abs(got - numeric);
      if (!(err <= tol * (1 + Math.abs(numeric))))
        throw new Error(`checkVjp: input ${i} element ${j}: vjp ${got}, finite differences ${numeric}`);
      worst = Math.max(worst, err);
    }
  });
  return worst;
}

/** Runs `f` expecting a plain Error (never a TypeError from deep inside) whose message matches. */
export function throwsClear(f: () => unknown, message: RegExp): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err, `expected ${message} to be thrown`).toBeInstanceOf(Error);
  expect(err).not.toBeInstanceOf(TypeError);
  expect((err as Error).message).toMatch(message);
}
