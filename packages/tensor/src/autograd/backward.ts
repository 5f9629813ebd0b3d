import { zerosLike } from "../create.js";
import { add } from "../ops/binary.js";
import { shapeStr } from "../shape.js";
import { Tensor } from "../tensor.js";
import { retained, runBackward, seedGradient } from "./engine.js";
import { primitive, record } from "./node.js";

/** Options of `Tensor.backward`. */
export interface BackwardOptions {
  /** Keep the graph so backward can run through it again (default: createGraph). */
  retainGraph?: boolean;
  /** Record the backward pass itself, so the gradient can be differentiated again. */
  createGraph?: boolean;
}

// d copy(x) = dx
const copyRule = primitive(
  "copy",
  (g) => [g],
  ([dx]) => dx!,
);

/** A copy of `t` in fresh contiguous storage, recorded when recording is on (so it stays differentiable). */
function copyOf(t: Tensor): Tensor {
  return record(copyRule, [t], new Tensor(t.toTypedArray(), t.shape), undefined);
}

/**
 * `tensor.backward()`: accumulates into the `.grad` of every leaf that requires a gradient (and
 * of tensors marked by retainGrad). Each `.grad` owns its storage: it never shares a buffer with
 * another `.grad`, with `gradOutput` or with a leaf, so in-place updates of one never touch another.
 */
export function backward(root: Tensor, gradOutput: Tensor | undefined, opts: BackwardOptions = {}): void {
  if (!root.requiresGrad) {
    throw new Error(
      "backward: the tensor does not require a gradient (no input had requiresGrad, or it ran in noGrad)",
    );
  }
  const g = seedGradient("backward", root, gradOutput);
  const taken = new Set<ArrayBufferLike>([g.data.buffer]);
  /**
   * `lg` itself when no other tensor of this call holds its storage, else a copy. Under
   * createGraph always a copy: `lg` may also be an input the recorded backward graph keeps.
   */
  const owned = (t: Tensor, lg: Tensor): Tensor => {
    taken.add(t.data.buffer);
    const own =
      !opts.createGraph &&
      lg.isContiguous &&
      lg.offset === 0 &&
      lg.data.length === lg.size &&
      !taken.has(lg.data.buffer);
    const out = own ? lg : copyOf(lg);
    taken.add(out.data.buffer);
    return out;
  };
  // onLeaf runs in the pass's grad mode: `copyOf` and `add` are recorded exactly under createGraph.
  runBackward([root], [g], {
    ...opts,
    onLeaf: (t, lg) => {
      t.grad = t.grad === null ? owned(t, lg) : add(t.grad, lg);
    },
  });
}

/**
 * Gradients of sum_i <outputs[i], cotangents[i]> with respect to `inputs` (zeros where an input
 * does not affect the outputs), without touching any `.grad`: torch.autograd.grad.
 * `createGraph` records the computation so the result can be differentiated again.
 *
 * @example
 * const x = tensor([1, 2], { requiresGrad: true });
 * const [g] = gradients([x.square().sum()], [x], [tensor(1)]); // [2, 4]
 */
export function gradients(
  outputs: readonly Tensor[],
  inputs: readonly Tensor[],
  cotangents: readonly Tensor[],
  opts: BackwardOptions = {},
): Tensor[] {
  if (!Array.isArray(outputs) || !Array.isArray(inputs) || !Array.isArray(cotangents))
    throw new Error("gradients: outputs, inputs and cotangents must be arrays of tensors");
  if (cotangents.length !== outputs.length)
    throw new Error(`gradients: ${outputs.length} outputs but ${cotangents.length} cotangents`);
  outputs.forEach((o, i) => {
    if (!(o instanceof Tensor)) throw new Error(`gradients: output ${i} must be a Tensor`);
    if (o.dtype === "int32") throw new Error(`gradients: output ${i} is int32, which has no gradient`);
    const c = cotangents[i];
    if (!(c instanceof Tensor) || c.shape.join() !== o.shape.join() || c.dtype !== o.dtype) {
      const got = c instanceof Tensor ? `${c.dtype} ${shapeStr(c.shape)}` : typeof c;
      throw new Error(
        `gradients: cotangent ${i} ${got} must match output ${i} ${o.dtype} ${shapeStr(o.shape)}`,
      );
    }
  });
  inputs.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new Error(`gradients: input ${i} must be a Tensor`);
  });
  const live = outputs.map((o, i) => [o, cotangents[i]!] as const).filter(([o]) => o.requiresGrad);
  const grads = runBackward(
    live.map(([o]) => o),
    live.map(([, c]) => c),
    { ...opts, keep: inputs },
  );
  return inputs.map((x) => grads.get(x) ?? zerosLike(x));
}

/**
 * Makes `backward()` accumulate the gradient of the intermediate tensor `t` into `t.grad`, as
 * it does for leaves (PyTorch's `retain_grad`). A no-op on leaves. The gradient kept is the one
 * after `t`'s hooks; the functional transforms never write `.grad`.
 */
export function retainGrad(t: Tensor): Tensor {
  if (!(t instanceof Tensor)) throw new Error("retainGrad: expected a Tensor");
  if (!t.requiresGrad) throw new Error("retainGrad: the tensor does not require a gradient");
  if (!t.isLeaf) retained.add(t);
  return t;
}
