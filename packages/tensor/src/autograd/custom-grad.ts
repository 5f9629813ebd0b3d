import { zeros } from "../create.js";
import { detach } from "../ops/view.js";
import { Tensor } from "../tensor.js";
import { hasTangent, withoutTangents } from "./forward.js";
import { gradMode, noGrad } from "./grad-mode.js";
import { multiPrimitive, primitive, record, recordMulti, type VjpContext } from "./node.js";

/** What a custom op's backward is told: whether it is recorded, and what its forward saved. */
export interface CustomContext<S = undefined> extends VjpContext {
  /** The value the forward returned as `saved` (undefined when it returned its outputs alone). */
  readonly saved: S;
}

/**
 * What a custom op's forward returns: its outputs (a Tensor or an array of them), or the outputs
 * and a value its backward needs (activations a fused kernel keeps), handed over in `ctx.saved`.
 */
export type CustomForwardResult<O, S> = O | { outputs: O; saved: S };

/**
 * The backward of a custom op: the cotangents of the outputs (an array when the forward returns
 * several; zeros for outputs the pass did not reach), the inputs and the outputs in, one gradient
 * (or null) per input out. `ctx.createGraph` says whether the result must be differentiable.
 */
export type CustomBackward<O, S = undefined> = (
  grads: O,
  inputs: readonly Tensor[],
  outputs: O,
  ctx: CustomContext<S>,
) => (Tensor | null)[];

/** What a custom op's tangent rule is told: what its forward saved. */
export interface CustomJvpContext<S = undefined> {
  /** The value the forward returned as `saved` (undefined when it returned its outputs alone). */
  readonly saved: S;
}

/**
 * The forward-mode rule of a custom op, J t: the tangents of the inputs (`null` where an input
 * has none: a zero), the inputs and the outputs in; the tangent of the output out (an array, one
 * per output, when the forward returns several; `null` for a zero). Written with tensor ops, so
 * that it differentiates again.
 */
export type CustomJvp<O, S = undefined> = (
  tangents: readonly (Tensor | null)[],
  inputs: readonly Tensor[],
  outputs: O,
  ctx: CustomJvpContext<S>,
) => O extends Tensor ? Tensor | null : (Tensor | null)[];

/**
 * Thrown when forward mode (`jvp`, `jacfwd`) reaches a custom op that has no tangent rule. The
 * transforms that choose their mode (`jacobian`, `hessian`, `hvp`) catch it and use reverse mode.
 */
export class MissingJvpError extends Error {
  /** The custom op's name. */
  readonly op: string;

  constructor(op: string) {
    super(
      `${op}: forward mode (jvp, jacfwd) reached this custom op, which has no tangent rule; give it one, customGrad(forward, backward, { name: "${op}", jvp: (tangents, inputs, outputs) => J t }), or use reverse mode (vjp, jacrev)`,
    );
    this.name = "MissingJvpError";
    this.op = op;
  }
}

/** Options of `customGrad`. */
export interface CustomGradOptions<O = any, S = any> {
  /** The op's name in errors and in `gradFn` (default "customGrad"). */
  name?: string;
  /**
   * Whether `backward` is differentiable (written with tensor ops). Left unset, a higher-order
   * pass (createGraph) runs the backward once more with constant cotangents and throws if a
   * gradient for an input that requires one then comes back unrecorded, so a backward computed
   * outside tensor ops can never silently spoil a Hessian. `false` declares it first-order only:
   * any higher-order pass through the op throws (PyTorch's once_differentiable). `true` vouches
   * for it and skips the check: for a linear op, whose gradient does not depend on its inputs.
   */
  differentiable?: boolean;
  /**
   * The op's tangent rule, for forward mode (`jvp`, `jacfwd`, forward-over-reverse Hessians).
   * Without one, forward mode through the op throws a `MissingJvpError` naming it.
   */
  jvp?: CustomJvp<O, S>;
}

function checkGrads(name: string, grads: unknown, inputs: readonly Tensor[]): (Tensor | null)[] {
  if (!Array.isArray(grads) || grads.length !== inputs.length) {
    const got = Array.isArray(grads) ? `${grads.length} gradients` : typeof grads;
    throw new Error(
      `${name}: backward must return an array of ${inputs.length} gradients (or nulls), got ${got}`,
    );
  }
  grads.forEach((g, i) => {
    if (g !== null && !(g instanceof Tensor))
      throw new Error(`${name}: backward returned ${typeof g} for input ${i}; expected a Tensor or null`);
  });
  return grads;
}

/**
 * Under createGraph, the backward must differentiate again. Its gradients depend on the
 * cotangents (linearly) and on the inputs (through the op's local derivative); the second part
 * is what a backward computed outside tensor ops loses. So it runs once more with detached
 * cotangents: a gradient for an input that requires one that then comes back unrecorded was
 * computed from raw values (or the op is linear, which only `differentiable: true` can vouch for).
 */
function checkDifferentiable(
  name: string,
  opts: CustomGradOptions,
  probe: () => (Tensor | null)[],
  inputs: readonly Tensor[],
): void {
  // Differentiated again: recorded for reverse mode, or carrying a tangent (jvp of grad).
  const live = (t: Tensor) => (gradMode.enabled && t.requiresGrad) || hasTangent([t]);
  if (opts.differentiable === true || !inputs.some(live)) return;
  const what = "a higher-order derivative (hessian, hvp, grad of grad, jvp of grad) passes through this op";
  if (opts.differentiable === false)
    throw new Error(
      `${name}: the op was declared first-order only ({ differentiable: false }), but ${what}; write its backward with tensor ops and drop that option.`,
    );
  const gs = probe();
  inputs.forEach((x, i) => {
    const g = gs[i];
    if (!live(x) || g === null || g === undefined || live(g)) return;
    throw new Error(
      `${name}: ${what}, but its backward computes the gradient for input ${i} from the input's values outside tensor ops (or under noGrad), so the second derivative would silently be wrong. Write its backward with tensor ops (they are recorded when ctx.createGraph is true), or, if this gradient truly does not depend on the inputs (a linear op), create the op with customGrad(forward, backward, { name: "${name}", differentiable: true }).`,
    );
  });
}

function isSaving<O, S>(r: CustomForwardResult<O, S>): r is { outputs: O; saved: S } {
  return typeof r === "object" && r !== null && !(r instanceof Tensor) && !Array.isArray(r) && "outputs" in r;
}

function checkOutputs(name: string, result: unknown): Tensor[] {
  const outs = Array.isArray(result) ? result : [result];
  if (outs.length === 1 && !(outs[0] instanceof Tensor) && typeof outs[0] === "object" && outs[0] !== null)
    throw new Error(`${name}: forward returned an object; return the outputs, or { outputs, saved }`);
  if (outs.length === 0 || outs.some((o) => !(o instanceof Tensor)))
    throw new Error(`${name}: forward must return a Tensor or a non-empty array of Tensors`);
  const dtype = (outs[0] as Tensor).dtype;
  if (outs.some((o: Tensor) => o.dtype !== dtype))
    throw new Error(
      `${name}: all outputs must share a dtype, got ${outs.map((o: Tensor) => o.dtype).join(", ")}`,
    );
  return outs;
}

/**
 * Defines a differentiable op from a forward function and its hand-written backward, as fused
 * kernels do (the recurrent layers run a whole sequence this way, cross-entropy its loss).
 * `forward` runs without recording. With several outputs the op is ONE node of the graph: its
 * backward runs once per pass, after every output that was reached, and gets zeros for the
 * outputs that were not. A forward may also return `{ outputs, saved }`: `saved` (what a fused
 * kernel keeps for its backward) reaches the backward as `ctx.saved` and is freed with the graph.
 * Gradients may keep a broadcast shape; the engine sums them back. `options.jvp` gives the op's
 * tangent rule for forward mode (without it, forward mode through the op is an error naming it).
 * With nothing to record (noGrad, or no input requires a gradient, and no input carries a
 * tangent) the forward's results are returned as they are.
 *
 * @example
 * // softplus(x) = log(1 + e^x); d softplus = sigmoid(x) dx
 * const softplus = customGrad(
 *   (x: Tensor) => x.exp().add(1).log(),
 *   (g, [x]) => [g.mul(x!.sigmoid())],
 *   { name: "softplus", jvp: ([dx], [x]) => dx!.mul(x!.sigmoid()) },
 * );
 */
export function customGrad<O extends Tensor | Tensor[], S = undefined>(
  forward: (...inputs: Tensor[]) => CustomForwardResult<O, S>,
  backward: CustomBackward<O, S>,
  options: string | CustomGradOptions<O, S> = {},
): (...inputs: Tensor[]) => O {
  const opts = typeof options === "string" ? { name: options } : options;
  const name = opts.name ?? "customGrad";
  if (typeof forward !== "function")
    throw new Error(`${name}: forward must be a function, got ${typeof forward}`);
  if (typeof backward !== "function")
    throw new Error(`${name}: backward must be a function, got ${typeof backward}`);
  const run = (grads: O, inputs: readonly Tensor[], outs: O, saved: S, pass: VjpContext) => {
    const ctx: CustomContext<S> = { createGraph: pass.createGraph, saved };
    if (ctx.createGraph) {
      const constant = (Array.isArray(grads) ? grads.map(detach) : detach(grads as Tensor)) as O;
      const probe = () => checkGrads(name, backward(constant, inputs, outs, ctx), inputs);
      checkDifferentiable(name, opts, probe, inputs);
    }
    return checkGrads(name, backward(grads, inputs, outs, ctx), inputs);
  };
  const tangent = (ts: readonly (Tensor | null)[], inputs: readonly Tensor[], outs: O, saved: S) => {
    if (opts.jvp === undefined) throw new MissingJvpError(name);
    return opts.jvp(ts, inputs, outs, { saved });
  };
  const single = primitive<S>(
    name,
    (g, inputs, out, saved, ctx) => run(g as O, inputs, out as O, saved, ctx),
    (ts, inputs, out, saved) => tangent(ts, inputs, out as O, saved) as Tensor | null,
  );
  const multi = multiPrimitive<S>(
    name,
    (gs, inputs, outs, saved, ctx) => {
      const full = gs.map((g, i) => g ?? zeros(outs[i]!.shape, { dtype: outs[i]!.dtype }));
      return run(full as O, inputs, outs as O, saved, ctx);
    },
    (ts, inputs, outs, saved) => tangent(ts, inputs, outs as O, saved) as (Tensor | null)[],
  );
  return (...inputs: Tensor[]): O => {
    inputs.forEach((x, i) => {
      if (!(x instanceof Tensor)) throw new Error(`${name}: input ${i} must be a Tensor`);
    });
    // The forward is not differentiated: the op's own rules are its derivatives.
    const returned = noGrad(() => withoutTangents(() => forward(...inputs)));
    const stateful = isSaving(returned);
    const result = (stateful ? returned.outputs : returned) as O;
    const saved = (stateful ? returned.saved : undefined) as S;
    const outs = checkOutputs(name, result);
    if (!(gradMode.enabled && inputs.some((x) => x.requiresGrad)) && !hasTangent(inputs)) return result;
    // Fresh tensor objects: the forward may return an input, or one tensor twice.
    if (!Array.isArray(result)) return record(single, inputs, detach(result as Tensor), saved) as O;
    return recordMulti(multi, inputs, outs.map(detach), saved) as O;
  };
}
