import { engine, Tensor } from "@nablajs/tensor";
import { retained } from "./engine.js";

/**
 * Makes `backward()` accumulate the gradient of the intermediate tensor `t` into `t.grad`, as
 * it does for leaves (PyTorch's `retain_grad`; also `t.retainGrad()`). A no-op on leaves. The
 * gradient kept is the one after `t`'s hooks; the functional transforms never write `.grad`.
 */
export function retainGrad(t: Tensor): Tensor {
  if (!(t instanceof Tensor)) throw new Error("retainGrad: expected a Tensor");
  if (!t.requiresGrad) throw new Error("retainGrad: the tensor does not require a gradient");
  if (!t.isLeaf) retained.add(t);
  return t;
}

engine.retainGrad = retainGrad;
