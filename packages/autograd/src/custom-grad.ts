import { concat, detach, narrow, noGrad, primitive, record, reshape, Tensor } from "@nablajs/tensor";
import { checkFn } from "./trace.js";

/** The backward of a custom op: cotangents of the outputs in, one gradient (or null) per input out. */
export type CustomBackward<O> = (grads: O, inputs: readonly Tensor[], outputs: O) => (Tensor | null)[];

function checkGrads(name: string, grads: unknown, inputs: readonly Tensor[]): (Tensor | null)[] {
  if (!Array.isArray(grads) || grads.length !== inputs.length) {
    const got = Array.isArray(grads) ? `${grads.length} gradients` : typeof grads;
    throw new Error(
      `${name}: backward must return an array of ${inputs.length} gradients (or nulls), got ${got}`,
    );
  }
  return grads;
}

function checkOutputs(name: string, result: unknown): void {
  const outs = Array.isArray(result) ? result : [result];
  if (outs.length === 0 || outs.some((o) => !(o instanceof Tensor)))
    throw new Error(`${name}: forward must return a Tensor or a non-empty array of Tensors`);
  const dtype = (outs[0] as Tensor).dtype;
  if (outs.some((o: Tensor) => o.dtype !== dtype))
    throw new Error(
      `${name}: all outputs must share a dtype, got ${outs.map((o: Tensor) => o.dtype).join(", ")}`,
    );
}

/**
 * Defines a differentiable op from a forward function and its hand-written backward, as fused
 * kernels do (the recurrent layers run a whole sequence this way). `forward` runs without
 * recording; `backward` receives the output cotangents (an array when forward returns several
 * outputs; zeros for outputs that did not reach the loss), the inputs and the outputs, and
 * returns one gradient per input (null where none). Gradients may keep a broadcast shape; the
 * engine sums them back. Write `backward` with tensor ops if its result must be differentiable.
 */
export function customGrad<O extends Tensor | Tensor[]>(
  forward: (...inputs: Tensor[]) => O,
  backward: CustomBackward<O>,
  name = "customGrad",
): (...inputs: Tensor[]) => O {
  checkFn(name, forward, "forward");
  checkFn(name, backward, "backward");
  const single = primitive(name, (g, inputs, out) =>
    checkGrads(name, backward(g as O, inputs, out as O), inputs),
  );
  return (...inputs: Tensor[]): O => {
    inputs.forEach((x, i) => {
      if (!(x instanceof Tensor)) throw new Error(`${name}: input ${i} must be a Tensor`);
    });
    const result = noGrad(() => forward(...inputs));
    checkOutputs(name, result);
    if (!Array.isArray(result)) return record(single, inputs, detach(result as Tensor), undefined) as O;
    // Several outputs: record one node on their concatenation and hand out views of it.
    const outs = result as Tensor[];
    const shapes = outs.map((o) => o.shape);
    const split = (flat: Tensor): Tensor[] => {
      let start = 0;
      return shapes.map((s) => {
        const n = s.reduce((a, b) => a * b, 1);
        const piece = reshape(narrow(flat, 0, start, n), s);
        start += n;
        return piece;
      });
    };
    const multi = primitive(name, (g, ins) => checkGrads(name, backward(split(g) as O, ins, outs as O), ins));
    const packed = noGrad(() => concat(outs.map((o) => reshape(o, [-1]))));
    const node = record(multi, inputs, packed, undefined);
    return (node.requiresGrad ? split(node) : outs) as O;
  };
}
