// A test helper (not exported from index.ts): checks forward mode against central differences
// and against reverse mode, for any function of float64 inputs in any layout.
import * as T from "../node.js";
import type { Tensor } from "../tensor.js";
import { unravel } from "../test-utils.js";

/** Options of `checkJvp`. */
export interface JvpCheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Tolerance, relative to 1 + |value| (default 1e-6). */
  tol?: number;
  /** Tolerance of <v, J u> = <J^T v, u> (default 1e-10). */
  identityTol?: number;
  /** Also check the tangent rules' own derivative: jvp of jvp against differences of jvp (default true). */
  second?: boolean;
  /** Seed of the tangents and the cotangent. */
  seed?: number;
  /** The tangents' layout, from the input's (default: the input's own layout, via `layout`). */
  layout?: (u: Tensor) => Tensor;
}

/** A tensor with `x`'s layout over a private copy of its storage, moved by s * u (u row-major). */
function moved(x: Tensor, u: ArrayLike<number> | null, s: number): Tensor {
  const c = new T.Tensor(x.data.slice(), x.shape, x.strides, x.offset);
  if (u === null || s === 0) return c;
  for (let j = 0; j < x.size; j++) {
    const pos = unravel(j, x.shape).reduce((p, v, k) => p + v * x.strides[k]!, x.offset);
    c.data[pos] = c.data[pos]! + s * u[j]!;
  }
  return c;
}

const isF64 = (x: Tensor) => x.dtype === "float64";

/** J(x) u of `f` by forward mode, zeros where the output has no tangent. */
function tangentOf(f: (...xs: Tensor[]) => Tensor, xs: readonly Tensor[], us: readonly (Tensor | null)[]) {
  const r = T.pushforward((...a) => [f(...a)], xs, [us]);
  return r.tangents[0]![0] ?? T.zerosLike(r.outputs[0]!);
}

function compare(what: string, got: ArrayLike<number>, want: ArrayLike<number>, tol: number): number {
  if (got.length !== want.length)
    throw new Error(`checkJvp: ${what}: ${got.length} values vs ${want.length}`);
  let worst = 0;
  for (let k = 0; k < got.length; k++) {
    const err = Math.abs(got[k]! - want[k]!);
    if (!(err <= tol * (1 + Math.abs(want[k]!))))
      throw new Error(`checkJvp: ${what}, element ${k}: ${got[k]} vs ${want[k]}`);
    worst = Math.max(worst, err);
  }
  return worst;
}

const dot = (a: Tensor, b: Tensor) => T.sum(T.mul(a, b)).item();

/**
 * Checks forward mode for `f` at `inputs` (float64 inputs are differentiated, others passed as
 * they are), with seeded tangents u and cotangent v:
 * - J u (forward mode) against central differences (f(x + eps u) - f(x - eps u)) / 2 eps;
 * - <v, J u> = <J^T v, u>, with J^T v from reverse mode: the two rules are each other's transpose;
 * - unless `second` is false, d/dx (J(x) u) along w by jvp of jvp against differences of J u.
 * Inputs keep their layout (strided views are checked as they are). Returns the worst error.
 */
export function checkJvp(
  f: (...xs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  opts: JvpCheckOptions = {},
) {
  const { eps = 1e-6, tol = 1e-6, identityTol = 1e-10, second = true, seed = 11 } = opts;
  const layout = opts.layout ?? ((u: Tensor) => u);
  const gen = new T.Generator(seed);
  const draw = (x: Tensor) =>
    isF64(x) ? layout(T.randn(x.shape, { dtype: "float64", generator: gen })) : null;
  const us = inputs.map(draw);
  const ws = inputs.map(draw);
  const flat = (t: Tensor | null) => (t === null ? null : t.toTypedArray());
  const at = (s: number, dir: readonly (Tensor | null)[]) =>
    T.noGrad(() => f(...inputs.map((x, i) => moved(x, flat(dir[i]!), s))));
  // forward mode against central differences
  const ju = tangentOf(f, inputs, us);
  const y = at(0, us);
  if (ju.shape.join() !== y.shape.join() || ju.dtype !== y.dtype)
    throw new Error(`checkJvp: the tangent is ${ju.dtype} [${ju.shape}], the output ${y.dtype} [${y.shape}]`);
  const fd = (g: (s: number) => Tensor) => {
    const [p, m] = [g(eps).toTypedArray(), g(-eps).toTypedArray()];
    return Float64Array.from(p, (v, k) => (v - m[k]!) / (2 * eps));
  };
  let worst = compare(
    "J u vs finite differences",
    ju.toTypedArray(),
    fd((s) => at(s, us)),
    tol,
  );
  // <v, J u> = <J^T v, u>
  const leaves = inputs.map((x) => {
    const c = moved(x, null, 0);
    if (isF64(c)) c.requiresGrad = true;
    return c;
  });
  const out = f(...leaves);
  const v = T.randn(out.shape, { dtype: "float64", generator: gen });
  const floats = leaves.filter(isF64);
  const grads = out.requiresGrad ? T.gradients([out], floats, [v]) : floats.map((x) => T.zerosLike(x));
  const ufl = us.filter((u) => u !== null) as Tensor[];
  const rhs = grads.reduce((acc, g, i) => acc + dot(g, ufl[i]!), 0);
  worst = Math.max(worst, compare("<v, J u> vs <J^T v, u>", [dot(v, ju)], [rhs], identityTol));
  if (!second) return worst;
  // the tangent rules differentiate again: jvp of jvp against differences of J u along w
  const jj = T.pushforward((...a) => [tangentOf(f, a, us)], inputs, [ws]).tangents[0]![0];
  const jjv = jj ? jj.toTypedArray() : new Float64Array(y.size);
  const shiftedJu = (s: number) =>
    tangentOf(
      f,
      inputs.map((x, i) => moved(x, flat(ws[i]!), s)),
      us,
    );
  return Math.max(worst, compare("jvp of jvp vs differences of J u", jjv, fd(shiftedJu), tol * 10));
}
