import { isFloat } from "../dtype.js";
import { expand } from "../ops/view.js";
import { shapeStr } from "../shape.js";
import { Tensor } from "../tensor.js";
import type { MultiPrimitive, Primitive } from "./node.js";

// Forward mode: the chain rule run alongside the forward pass. A level is one perturbation
// (one `jvp`); it maps each tensor computed while it is active to its tangent. No field on
// Tensor: a level's tangents live in its own WeakMap and are gone with it. Every op already goes
// through `record`/`recordMulti`, which call `pushTangent`/`pushTangents` when a level is active.

/** One forward-mode perturbation (one `jvp`, or one column of `jacfwd`). */
export interface Level {
  /** The tangent of each tensor computed while the level was active (absent: zero). */
  readonly tangents: WeakMap<Tensor, Tensor>;
  /**
   * The levels outside this one. Its tangent rules run with only these active, so a tangent
   * carries tangents of outer levels (jvp of jvp, grad of jvp) but never of itself or of a
   * sibling (the columns of `jacfwd` are independent).
   */
  readonly below: readonly Level[];
}

/** The levels now active, outermost first; empty when forward mode is off (one check per op). */
export const forward: { levels: readonly Level[] } = { levels: [] };

/** Runs `fn` with exactly `levels` active. */
export function atLevels<T>(levels: readonly Level[], fn: () => T): T {
  const prev = forward.levels;
  forward.levels = levels;
  try {
    return fn();
  } finally {
    forward.levels = prev;
  }
}

/**
 * Runs `fn` with forward mode suspended: what it computes has no tangent (a constant for every
 * perturbation). For a custom op's forward, whose tangent comes from its own rule.
 */
export function withoutTangents<T>(fn: () => T): T {
  return forward.levels.length === 0 ? fn() : atLevels([], fn);
}

/** Whether an active level holds a tangent for any of `ts`. */
export function hasTangent(ts: readonly (Tensor | null | undefined)[]): boolean {
  for (const level of forward.levels) for (const t of ts) if (t && level.tangents.has(t)) return true;
  return false;
}

/** Gives `to` the tangent `from` has at every active level (a traced stand-in for `from`). */
export function copyTangents(from: Tensor, to: Tensor): Tensor {
  for (const level of forward.levels) {
    const t = level.tangents.get(from);
    if (t !== undefined) level.tangents.set(to, t);
  }
  return to;
}

function what(v: unknown): string {
  return v instanceof Tensor ? `${v.dtype} ${shapeStr(v.shape)}` : typeof v;
}

/** The tangents of `inputs` at `level`, or null when none has one (the output's tangent is zero). */
function tangentsAt(level: Level, inputs: readonly Tensor[]): (Tensor | null)[] | null {
  let ts: (Tensor | null)[] | null = null;
  for (let i = 0; i < inputs.length; i++) {
    const t = level.tangents.get(inputs[i]!);
    if (t === undefined) continue;
    ts ??= inputs.map(() => null);
    ts[i] = t;
  }
  return ts;
}

/**
 * A rule's tangent made the output's: same dtype, and broadcast to the output's shape. A rule
 * may return a tangent of any shape that broadcasts to its output's (`add`'s `da` alone); it is
 * expanded here, once, as the reverse engine un-broadcasts once.
 */
function fit(name: string, t: unknown, out: Tensor): Tensor {
  if (!(t instanceof Tensor) || t.dtype !== out.dtype)
    throw new Error(`${name}: the tangent rule returned ${what(t)} for an output of ${what(out)}`);
  if (t.shape.length === out.shape.length && t.shape.every((d, i) => d === out.shape[i])) return t;
  try {
    return expand(t, out.shape);
  } catch {
    throw new Error(
      `${name}: the tangent rule returned ${what(t)}, which does not broadcast to the output's ${shapeStr(out.shape)}`,
    );
  }
}

/** Sets `out`'s tangent at every active level where an input has one (called by `record`). */
export function pushTangent<A>(prim: Primitive<A>, inputs: readonly Tensor[], out: Tensor, attrs: A): void {
  if (!isFloat(out.dtype)) return; // int32 values have no tangent
  const levels = forward.levels;
  for (const level of levels) {
    const ts = tangentsAt(level, inputs);
    if (ts === null) continue;
    // NOTE: the level switch is inlined (no closure per op): this runs for every op in forward mode.
    forward.levels = level.below;
    try {
      const r = prim.jvp(ts, inputs, out, attrs);
      if (r !== null) level.tangents.set(out, fit(prim.name, r, out));
    } finally {
      forward.levels = levels;
    }
  }
}

/** Sets the tangents of a several-output op's outputs at every active level (called by `recordMulti`). */
export function pushTangents<A>(
  prim: MultiPrimitive<A>,
  inputs: readonly Tensor[],
  outs: readonly Tensor[],
  attrs: A,
): void {
  for (const level of forward.levels) {
    const ts = tangentsAt(level, inputs);
    if (ts === null) continue;
    const tangents = atLevels(level.below, () => {
      const r = prim.jvp(ts, inputs, outs, attrs);
      if (!Array.isArray(r) || r.length !== outs.length)
        throw new Error(
          `${prim.name}: the tangent rule must return ${outs.length} tangents (or nulls), one per output`,
        );
      return r.map((t, i) => (t === null || !isFloat(outs[i]!.dtype) ? null : fit(prim.name, t, outs[i]!)));
    });
    tangents.forEach((t, i) => {
      if (t !== null) level.tangents.set(outs[i]!, t);
    });
  }
}
