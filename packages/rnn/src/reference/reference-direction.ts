import { narrow, reshape, stack, type Tensor, tensor, where } from "@nablajs/tensor";
import { gruStep, lstmStep, rnnStep } from "../cells/steps.js";
import { type DirectionSpec, unpackInputs } from "../direction.js";

/**
 * The reference path of one layer direction: the cell applied step by step with tensor ops, so
 * every derivative (of any order) comes from the ops' own rules. `inputs` is the packed list
 * (x [T, B, I], h0, (c0), W_ih, W_hh, (b_ih, b_hh)); returns [y [T, B, H], h_n, (c_n)]. With
 * lengths, a step past a sequence's end keeps its state and outputs zeros.
 */
export function referenceDirection(spec: DirectionSpec, inputs: readonly Tensor[]): Tensor[] {
  const { x, h0, c0, wih, whh, bih, bhh } = unpackInputs(spec.kind, inputs);
  const w = { wih, whh, bih, bhh };
  const [T, B, I] = x.shape as [number, number, number];
  const ys = new Array<Tensor>(T);
  let h = h0;
  let c = c0;
  for (let s = 0; s < T; s++) {
    const t = spec.reverse ? T - 1 - s : s;
    const xt = reshape(narrow(x, 0, t, 1), [B, I]);
    let hNew: Tensor;
    let cNew: Tensor | null = null;
    if (spec.kind === "LSTM") ({ h: hNew, c: cNew } = lstmStep(xt, h, c!, w));
    else if (spec.kind === "GRU") hNew = gruStep(xt, h, w);
    else hNew = rnnStep(xt, h, w, spec.kind === "RNN_RELU" ? "relu" : "tanh");
    const lengths = spec.lengths;
    if (lengths === null) {
      ys[t] = hNew;
      h = hNew;
      c = cNew;
      continue;
    }
    const valid = tensor(
      Int32Array.from(lengths, (n) => (t < n ? 1 : 0)),
      { shape: [B, 1] },
    );
    ys[t] = where(valid, hNew, 0);
    h = where(valid, hNew, h);
    c = cNew === null ? null : where(valid, cNew, c!);
  }
  const y = stack(ys, 0);
  return c === null ? [y, h] : [y, h, c];
}
