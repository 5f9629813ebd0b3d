import type { Tensor } from "../tensor.js";
import { forward, pushTangent, pushTangents } from "./forward.js";
import { gradMode } from "./grad-mode.js";

/** What the engine tells a derivative rule about the pass that runs it. */
export interface VjpContext {
  /**
   * True when the rule's result will be differentiated again: the backward pass is itself
   * recorded (a Hessian, hvp or grad of grad), or forward mode runs through it (a tangent reaches
   * the rule: jvp of grad). The result must then be computed with tensor ops. When false, a rule
   * may take a first-order fast path (plain loops over typed arrays). Under forward mode alone the
   * pass is not recorded: a rule that builds a graph of its own to differentiate (`gradients` of
   * a reference path) must switch recording on for it (`enableGrad`).
   */
  readonly createGraph: boolean;
}

/**
 * A one-output primitive's derivative: given the cotangent `g` of its output, the
 * vector-Jacobian product for each input (`null` where the input is not differentiable). Results
 * may keep the output's broadcast shape: the engine sums them back to each input's shape.
 */
export type Vjp<A> = (
  g: Tensor,
  inputs: readonly Tensor[],
  out: Tensor,
  attrs: A,
  ctx: VjpContext,
) => (Tensor | null)[];

/**
 * A several-output primitive's derivative, called once per backward pass with the cotangent of
 * each output that the pass reached (`null` for the others) and all the outputs.
 */
export type MultiVjp<A> = (
  gs: readonly (Tensor | null)[],
  inputs: readonly Tensor[],
  outs: readonly Tensor[],
  attrs: A,
  ctx: VjpContext,
) => (Tensor | null)[];

/**
 * A one-output primitive's tangent rule (forward mode): given the tangents of its inputs (`null`
 * where an input has none: a zero), the tangent of its output, J t, or `null` for zero. Written
 * with differentiable tensor ops, so forward and reverse mode compose. The result may have any
 * shape that broadcasts to the output's: forward mode expands it once (`da` alone for `a + b`).
 */
export type Jvp<A> = (
  tangents: readonly (Tensor | null)[],
  inputs: readonly Tensor[],
  out: Tensor,
  attrs: A,
) => Tensor | null;

/** A several-output primitive's tangent rule: one tangent (or `null` for zero) per output. */
export type MultiJvp<A> = (
  tangents: readonly (Tensor | null)[],
  inputs: readonly Tensor[],
  outs: readonly Tensor[],
  attrs: A,
) => (Tensor | null)[];

/**
 * A differentiable primitive of one output: a name for messages, its vector-Jacobian product
 * (reverse mode) and its Jacobian-vector product (forward mode).
 */
export interface Primitive<A = undefined> {
  readonly name: string;
  readonly multi: false;
  readonly vjp: Vjp<A>;
  readonly jvp: Jvp<A>;
}

/** A differentiable primitive with several outputs, differentiated by one node (see `recordMulti`). */
export interface MultiPrimitive<A = undefined> {
  readonly name: string;
  readonly multi: true;
  readonly vjp: MultiVjp<A>;
  readonly jvp: MultiJvp<A>;
}

/**
 * One recorded application of a primitive: the edge the chain rule walks backwards. A
 * several-output op has one node shared by all its outputs (each output's `gradFn`).
 */
export interface GradNode {
  readonly prim: Primitive<any> | MultiPrimitive<any>;
  /** The op's inputs; `null` once backward has freed the graph. */
  inputs: readonly Tensor[] | null;
  readonly attrs: unknown;
  /** The outputs of a several-output op, in order; null for a one-output op. */
  readonly outputs: readonly Tensor[] | null;
  /** Where the op was called, kept only under anomaly detection. */
  readonly site: string | undefined;
}

/**
 * Defines a one-output primitive from its name and both derivative rules: both are required,
 * so a primitive without a forward-mode rule does not compile.
 */
export function primitive<A = undefined>(name: string, vjp: Vjp<A>, jvp: Jvp<A>): Primitive<A> {
  return { name, multi: false, vjp, jvp };
}

/** Defines a several-output primitive from its name, its vector-Jacobian and its Jacobian-vector products. */
export function multiPrimitive<A = undefined>(
  name: string,
  vjp: MultiVjp<A>,
  jvp: MultiJvp<A>,
): MultiPrimitive<A> {
  return { name, multi: true, vjp, jvp };
}

/** Whether ops record now and any of `inputs` requires a gradient. */
function recording(inputs: readonly Tensor[]): boolean {
  if (!gradMode.enabled) return false;
  for (const t of inputs) if (t.requiresGrad) return true;
  return false;
}

/**
 * Attaches a graph node to `out` when recording is on and an input requires a gradient, and
 * gives `out` its tangent at each forward-mode level where an input has one.
 */
export function record<A>(prim: Primitive<A>, inputs: readonly Tensor[], out: Tensor, attrs: A): Tensor {
  if (recording(inputs)) {
    const site = gradMode.anomaly ? new Error().stack : undefined;
    out.gradFn = { prim, inputs, attrs, outputs: null, site };
  }
  // After the node: the tangent rule's ops are recorded too (grad of jvp).
  if (forward.levels.length !== 0) pushTangent(prim, inputs, out, attrs);
  return out;
}

/**
 * Attaches ONE node to all of `outs` when recording is on and an input requires a gradient: the
 * engine runs its derivative once, after every output the pass reached. The outputs must be
 * fresh tensors of this op (not inputs, not shared with another op).
 */
export function recordMulti<A>(
  prim: MultiPrimitive<A>,
  inputs: readonly Tensor[],
  outs: readonly Tensor[],
  attrs: A,
): readonly Tensor[] {
  if (recording(inputs)) {
    const site = gradMode.anomaly ? new Error().stack : undefined;
    const node: GradNode = { prim, inputs, attrs, outputs: outs, site };
    for (const o of outs) o.gradFn = node;
  }
  if (forward.levels.length !== 0) pushTangents(prim, inputs, outs, attrs);
  return outs;
}
