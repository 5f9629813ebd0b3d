import {
  add,
  type BackwardOptions,
  contiguous,
  enableGrad,
  engine,
  gradMode,
  noGrad,
  ones,
  reshape,
  shapeStr,
  sum,
  type Tensor,
} from "@nablajs/tensor";

/**
 * Sums a gradient back to the shape of the input it belongs to: over leading axes the input
 * lacks and over axes where the input had size 1. Broadcasting is undone here, once, and never
 * in a derivative rule.
 */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (g.shape.length === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  return reshape(sum(g, axes), shape);
}

/** Tensors reachable from `roots` through recorded ops, each after everything it feeds (reverse topological order). */
function reverseTopo(roots: readonly Tensor[]): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, boolean][] = roots.map((r) => [r, false]);
  while (stack.length > 0) {
    const [t, done] = stack.pop()!;
    if (done) {
      order.push(t);
      continue;
    }
    if (seen.has(t)) continue;
    seen.add(t);
    stack.push([t, true]);
    const inputs = t.gradFn?.inputs;
    if (inputs) for (const x of inputs) if (x.requiresGrad && !seen.has(x)) stack.push([x, false]);
  }
  return order.reverse();
}

function hasNonFinite(t: Tensor): boolean {
  const d = contiguous(t);
  for (let i = 0; i < d.size; i++) if (!Number.isFinite(d.data[d.offset + i]!)) return true;
  return false;
}

function runHooks(t: Tensor, g: Tensor): Tensor {
  if (!t.hooks) return g;
  for (const hook of t.hooks) g = hook(g) ?? g;
  return g;
}

export interface GradientsOptions extends BackwardOptions {
  /** Called with each leaf reached and its gradient (backward() accumulates into `.grad`). */
  onLeaf?: (leaf: Tensor, grad: Tensor) => void;
}

/**
 * The chain rule: gradients of `sum(roots[i] * gradOutputs[i])` with respect to every tensor
 * reached. Returns the map from tensor to gradient; `onLeaf` sees each leaf's gradient.
 */
export function runBackward(
  roots: readonly Tensor[],
  gradOutputs: readonly Tensor[],
  opts: GradientsOptions = {},
): Map<Tensor, Tensor> {
  const createGraph = opts.createGraph ?? false;
  const retainGraph = opts.retainGraph ?? createGraph;
  const grads = new Map<Tensor, Tensor>();
  roots.forEach((r, i) => {
    const g = gradOutputs[i]!;
    grads.set(r, grads.has(r) ? add(grads.get(r)!, g) : g);
  });
  const order = reverseTopo(roots);
  const run = () => {
    for (const t of order) {
      let g = grads.get(t);
      if (g === undefined) continue;
      g = runHooks(t, g);
      grads.set(t, g);
      const node = t.gradFn;
      if (node === null) {
        opts.onLeaf?.(t, g);
        continue;
      }
      const inputs = node.inputs;
      if (inputs === null) {
        throw new Error(
          `backward: the graph through '${node.prim.name}' was already freed by an earlier backward; pass { retainGraph: true } to the first call`,
        );
      }
      const inGrads = node.prim.vjp(g, inputs, t, node.attrs);
      inputs.forEach((x, i) => {
        const gi = inGrads[i];
        if (!x.requiresGrad || gi === null || gi === undefined) return;
        const shaped = sumToShape(gi, x.shape);
        if (gradMode.anomaly && hasNonFinite(shaped)) {
          throw new Error(
            `detectAnomaly: the gradient of '${node.prim.name}' for its input ${i} ${shapeStr(x.shape)} contains NaN or Inf.\nThe op was called at:\n${node.site ?? "(call site not recorded)"}`,
          );
        }
        const prev = grads.get(x);
        grads.set(x, prev === undefined ? shaped : add(prev, shaped));
      });
      if (!retainGraph) node.inputs = null;
    }
  };
  if (createGraph) enableGrad(run);
  else noGrad(run);
  return grads;
}

/** A gradient that owns its storage, so later in-place updates of parameters never alias it. */
function owned(g: Tensor): Tensor {
  return g.isContiguous && g.offset === 0 && g.data.length === g.size
    ? g
    : noGrad(() => contiguous(g.mul(1)));
}

/** `tensor.backward()`: accumulates into the `.grad` of every leaf that requires a gradient. */
export function backward(root: Tensor, gradOutput: Tensor | undefined, opts: BackwardOptions = {}): void {
  if (!root.requiresGrad) {
    throw new Error(
      "backward: the tensor does not require a gradient (no input had requiresGrad, or it ran in noGrad)",
    );
  }
  let g = gradOutput;
  if (g === undefined) {
    if (root.size !== 1) {
      throw new Error(
        `backward: a gradient can only be implied for a scalar output; the output is ${shapeStr(root.shape)}, pass gradOutput`,
      );
    }
    g = ones(root.shape, { dtype: root.dtype });
  } else if (g.shape.join() !== root.shape.join() || g.dtype !== root.dtype) {
    throw new Error(
      `backward: gradOutput ${g.dtype} ${shapeStr(g.shape)} does not match the output ${root.dtype} ${shapeStr(root.shape)}`,
    );
  }
  runBackward([root], [g], {
    ...opts,
    onLeaf: (leaf, lg) => {
      const add1 = opts.createGraph ? lg : owned(lg);
      leaf.grad =
        leaf.grad === null
          ? add1
          : opts.createGraph
            ? add(leaf.grad, add1)
            : noGrad(() => add(leaf.grad!, add1));
    },
  });
}

engine.backward = backward;
