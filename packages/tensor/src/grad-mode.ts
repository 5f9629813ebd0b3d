import type { Tensor } from "./tensor.js";

/**
 * A primitive op's derivative: given the cotangent `g` of its output, the vector-Jacobian
 * product for each input (`null` where the input is not differentiable). Results may keep the
 * output's broadcast shape: the engine sums them back to each input's shape.
 */
export type Vjp<A> = (g: Tensor, inputs: readonly Tensor[], out: Tensor, attrs: A) => (Tensor | null)[];

/** A differentiable primitive: a name for messages and its vector-Jacobian product. */
export interface Primitive<A = undefined> {
  readonly name: string;
  readonly vjp: Vjp<A>;
}

/** One recorded application of a primitive: the edge the chain rule walks backwards. */
export interface GradNode {
  readonly prim: Primitive<any>;
  /** The op's inputs; `null` once backward has freed the graph. */
  inputs: readonly Tensor[] | null;
  readonly attrs: unknown;
  /** Where the op was called, kept only under anomaly detection. */
  readonly site: string | undefined;
}

/** Global recording state: whether ops record, and whether call sites are kept for anomalies. */
export const gradMode = { enabled: true, anomaly: false };

/** Whether ops record the graph for differentiation now (false inside `noGrad`). */
export function isGradEnabled(): boolean {
  return gradMode.enabled;
}

function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const prev = gradMode.enabled;
  gradMode.enabled = enabled;
  try {
    return fn();
  } finally {
    gradMode.enabled = prev;
  }
}

/** Runs `fn` with recording switched off: nothing it computes has a gradient. */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs `fn` with recording switched on, even inside `noGrad`. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

/** Defines a primitive from its name and vector-Jacobian product. */
export function primitive<A = undefined>(name: string, vjp: Vjp<A>): Primitive<A> {
  return { name, vjp };
}
