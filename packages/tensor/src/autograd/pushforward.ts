import { isFloat } from "../dtype.js";
import { alias } from "../ops/view.js";
import { shapeStr } from "../shape.js";
import { Tensor } from "../tensor.js";
import { atLevels, forward, type Level } from "./forward.js";

function describe(x: unknown): string {
  return x instanceof Tensor ? `${x.dtype} ${shapeStr(x.shape)}` : x === null ? "null" : typeof x;
}

function checkTangents(primals: readonly Tensor[], sets: readonly (readonly (Tensor | null)[])[]): void {
  if (!Array.isArray(sets)) throw new Error("pushforward: tangents must be an array of arrays of tensors");
  sets.forEach((set, k) => {
    if (!Array.isArray(set) || set.length !== primals.length)
      throw new Error(
        `pushforward: tangent set ${k} must hold one tangent (or null) per primal (${primals.length})`,
      );
    set.forEach((t, i) => {
      if (t === null) return;
      const x = primals[i]!;
      if (!(t instanceof Tensor) || t.dtype !== x.dtype || t.shape.join() !== x.shape.join())
        throw new Error(`pushforward: tangent ${i} ${describe(t)} must match primal ${i} ${describe(x)}`);
      if (!isFloat(x.dtype)) throw new Error(`pushforward: primal ${i} is int32, which has no tangent`);
    });
  });
}

/**
 * Forward-mode differentiation: runs `fn` once at `primals`, perturbed along each set of
 * `tangents` (one tangent, or null for none, per primal), and returns its outputs and, per set,
 * the tangent J t of each output (null where it is zero). Each set is its own perturbation (the
 * columns of a Jacobian share one pass); a call inside `fn` nests (jvp of jvp). Costs one forward
 * pass plus the tangent rules, about one more forward pass per set. The tangents are ordinary
 * tensors: recorded for reverse mode when what they depend on requires a gradient.
 */
export function pushforward(
  fn: (...xs: Tensor[]) => readonly Tensor[],
  primals: readonly Tensor[],
  tangents: readonly (readonly (Tensor | null)[])[],
): { outputs: Tensor[]; tangents: (Tensor | null)[][] } {
  if (typeof fn !== "function") throw new Error(`pushforward: fn must be a function, got ${typeof fn}`);
  if (!Array.isArray(primals)) throw new Error("pushforward: primals must be an array of tensors");
  primals.forEach((x, i) => {
    if (!(x instanceof Tensor))
      throw new Error(`pushforward: primal ${i} must be a Tensor, got ${describe(x)}`);
  });
  checkTangents(primals, tangents);
  // Stand-ins made at the current levels, so the tangents that outer levels give the primals flow on.
  const xs = primals.map(alias);
  const below = forward.levels;
  const levels: Level[] = tangents.map((set) => {
    const map = new WeakMap<Tensor, Tensor>();
    set.forEach((t, i) => {
      if (t !== null) map.set(xs[i]!, t);
    });
    return { tangents: map, below };
  });
  const outputs = atLevels([...below, ...levels], () => fn(...xs));
  if (!Array.isArray(outputs) || outputs.some((o) => !(o instanceof Tensor)))
    throw new Error("pushforward: fn must return an array of tensors");
  return {
    outputs: outputs.slice(),
    tangents: levels.map((level) => outputs.map((o) => level.tangents.get(o) ?? null)),
  };
}
