import { abs, sub, type Tensor } from "@nablajs/tensor";
import { checkPair } from "./checks.js";
import { checkReduction, type Reduction, reduce } from "./reduction.js";

/** Mean absolute error: `|pred - target|` elementwise, reduced (`'mean'` by default); same shapes. */
export function l1(pred: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  checkPair("l1", pred, target, ["pred", "target"]);
  return reduce(abs(sub(pred, target)), checkReduction("l1", opts.reduction));
}
