import { detach, gradMode, noGrad, type Primitive, primitive, record, Tensor, zeros } from "@nablajs/tensor";
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

// NOTE: several outputs are recorded without packing them into one tensor. One node, on a hidden
// tensor with one flag per output, holds the inputs; each output is a view of the forward's
// result whose `pick` node parks its cotangent in `slots[i]` and hands the flag e_i to the hidden
// tensor. The engine sums the flags and runs the node after every output that was reached, so it
// calls backward with the cotangents of the flagged outputs as they arrived and zeros for the
// others (a slot left from an earlier pass is not flagged in this one, so it is never reused).
interface Multi {
  outs: Tensor[];
  slots: (Tensor | undefined)[];
}

const pick = primitive<{ i: number; slots: (Tensor | undefined)[] }>("customGrad output", (g, _, __, a) => {
  a.slots[a.i] = g;
  const flag = new Float32Array(a.slots.length);
  flag[a.i] = 1;
  return [new Tensor(flag, [flag.length])];
});

function recordMulti(prim: Primitive<Multi>, inputs: Tensor[], outs: Tensor[]): Tensor[] {
  const slots = new Array<Tensor | undefined>(outs.length);
  const hidden = record(prim, inputs, zeros([outs.length]), { outs, slots });
  return outs.map((o, i) => record(pick, [hidden], detach(o), { i, slots }));
}

/**
 * Defines a differentiable op from a forward function and its hand-written backward, as fused
 * kernels do (the recurrent layers run a whole sequence this way). `forward` runs without
 * recording; `backward` receives the output cotangents (an array when forward returns several
 * outputs; zeros for outputs that did not reach the loss), the inputs and the outputs, and
 * returns one gradient per input (null where none). Gradients may keep a broadcast shape; the
 * engine sums them back. Write `backward` with tensor ops if its result must be differentiable.
 * With nothing to record (noGrad, or no input requires a gradient) the forward's results are
 * returned as they are.
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
  const multi = primitive<Multi>(name, (flags, inputs, _, { outs, slots }) => {
    const arrived = flags.toTypedArray();
    const gs = outs.map((o, i) => (arrived[i] !== 0 ? slots[i]! : zeros(o.shape, { dtype: o.dtype })));
    slots.fill(undefined);
    return checkGrads(name, backward(gs as O, inputs, outs as O), inputs);
  });
  return (...inputs: Tensor[]): O => {
    inputs.forEach((x, i) => {
      if (!(x instanceof Tensor)) throw new Error(`${name}: input ${i} must be a Tensor`);
    });
    const result = noGrad(() => forward(...inputs));
    checkOutputs(name, result);
    if (!gradMode.enabled || !inputs.some((x) => x.requiresGrad)) return result;
    if (!Array.isArray(result)) return record(single, inputs, detach(result as Tensor), undefined) as O;
    return recordMulti(multi, inputs, result) as O;
  };
}
