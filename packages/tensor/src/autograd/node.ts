import type { Tensor } from "../tensor.js";
import { gradMode } from "./grad-mode.js";

/** What the engine tells a derivative rule about the pass that runs it. */
export interface VjpContext {
  /**
   * True when the backward pass is itself recorded (a Hessian, hvp or grad of grad): the rule's
   * result must then be computed with tensor ops so it can be differentiated again. When false,
   * a rule may take a first-order fast path (plain loops over typed arrays).
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

/** A differentiable primitive of one output: a name for messages and its vector-Jacobian product. */
export interface Primitive<A = undefined> {
  readonly name: string;
  readonly multi: false;
  readonly vjp: Vjp<A>;
}

/** A differentiable primitive with several outputs, differentiated by one node (see `recordMulti`). */
export interface MultiPrimitive<A = undefined> {
  readonly name: string;
  readonly multi: true;
  readonly vjp: MultiVjp<A>;
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

/** Defines a one-output primitive from its name and vector-Jacobian product. */
export function primitive<A = undefined>(name: string, vjp: Vjp<A>): Primitive<A> {
  return { name, multi: false, vjp };
}

/** Defines a several-output primitive from its name and vector-Jacobian product. */
export function multiPrimitive<A = undefined>(name: string, vjp: MultiVjp<A>): MultiPrimitive<A> {
  return { name, multi: true, vjp };
}

/** Whether ops record now and any of `inputs` requires a gradient. */
function recording(inputs: readonly Tensor[]): boolean {
  if (!gradMode.enabled) return false;
  for (const t of inputs) if (t.requiresGrad) return true;
  return false;
}

/** Attaches a graph node to `out` when recording is on and an input requires a gradient. */
export function record<A>(prim: Primitive<A>, inputs: readonly Tensor[], out: Tensor, attrs: A): Tensor {
  if (!recording(inputs)) return out;
  const site = gradMode.anomaly ? new Error().stack : undefined;
  out.gradFn = { prim, inputs, attrs, outputs: null, site };
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
  if (!recording(inputs)) return outs;
  const site = gradMode.anomaly ? new Error().stack : undefined;
  const node: GradNode = { prim, inputs, attrs, outputs: outs, site };
  for (const o of outs) o.gradFn = node;
  return outs;
}
