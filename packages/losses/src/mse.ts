import { square, sub, type Tensor } from "@nablajs/tensor";
import { checkPair } from "./checks.js";
import { checkReduction, type Reduction, reduce } from "./reduction.js";

/** Mean squared error: `(pred - target)^2` elementwise, reduced (`'mean'` by default); same shapes. */
export function mse(pred: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  checkPair("mse", pred, target, ["pred", "target"]);
  return reduce(square(sub(pred, target)), checkReduction("mse", opts.reduction));
}
