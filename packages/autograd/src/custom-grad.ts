import {
  concat,
  detach,
  narrow,
  noGrad,
  primitive,
  record,
  reshape,
  shapeStr,
  type Tensor,
} from "@nablajs/tensor";

/** The backward of a custom op: cotangents of the outputs in, one gradient (or null) per input out. */
export type CustomBackward<O> = (grads: O, inputs: readonly Tensor[], outputs: O) => (Tensor | null)[];

/**
 * Defines a differentiable op from a forward function and its hand-written backward, as fused
 * kernels do (the recurrent layers run a whole sequence this way). `forward` runs without
 * recording; `backward` receives the output cotangents (an array when forward returns several
 * outputs; zeros for outputs that did not reach the loss) and returns one gradient per input.
 * Write `backward` with tensor ops if its result must itself be differentiable.
 */
export function customGrad<O extends Tensor | Tensor[]>(
  forward: (...inputs: Tensor[]) => O,
  backward: CustomBackward<O>,
  name = "customGrad",
): (...inputs: Tensor[]) => O {
  const single = primitive(name, (g, inputs, out) => backward(g as O, inputs, out as O));
  return (...inputs: Tensor[]): O => {
    const result = noGrad(() => forward(...inputs));
    if (!Array.isArray(result)) return record(single, inputs, detach(result as Tensor), undefined) as O;
    // Several outputs: record one node on their concatenation and hand out views of it.
    const outs = result as Tensor[];
    const dtype = outs[0]?.dtype;
    if (outs.some((o) => o.dtype !== dtype)) {
      throw new Error(`${name}: all outputs must share a dtype, got ${outs.map((o) => o.dtype).join(", ")}`);
    }
    const packed = noGrad(() => concat(outs.map((o) => reshape(o, [-1]))));
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
    const multi = primitive(name, (g, ins) => backward(split(g) as O, ins, outs as O));
    const node = record(multi, inputs, packed, undefined);
    if (!node.requiresGrad) return outs as O;
    const views = split(node);
    views.forEach((v, i) => {
      if (v.shape.join() !== shapes[i]!.join())
        throw new Error(`${name}: output ${i} has shape ${shapeStr(v.shape)}`);
    });
    return views as O;
  };
}
