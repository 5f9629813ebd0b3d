import {
  add,
  type BackwardOptions,
  enableGrad,
  engine,
  gradMode,
  noGrad,
  ones,
  primitive,
  record,
  reshape,
  shapeStr,
  sum,
  Tensor,
  toTypedArray,
} from "@nablajs/tensor";
import { checkForward, checkGradient } from "./anomaly.js";

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

// d copy(x) = dx
const copyRule = primitive("copy", (g) => [g]);

/** A copy of `t` in fresh contiguous storage, recorded when recording is on (so it stays differentiable). */
function copyOf(t: Tensor): Tensor {
  return record(copyRule, [t], new Tensor(toTypedArray(t), t.shape), undefined);
}

/** Whether `from` broadcasts from `to` (so sumToShape can bring it back). */
function sumsTo(from: readonly number[], to: readonly number[]): boolean {
  const lead = from.length - to.length;
  return lead >= 0 && to.every((d, i) => d === from[i + lead] || d === 1);
}

/**
 * Tensors reachable from `roots` through recorded ops, each before everything it feeds (a
 * topological order): popping from the end visits each tensor after all its consumers.
 */
function topo(roots: readonly Tensor[]): Tensor[] {
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
  return order;
}

/** Whether the graph behind `roots` reaches a leaf that requires a gradient and is not in `except`. */
export function reachesLeaf(roots: readonly Tensor[], except: ReadonlySet<Tensor>): boolean {
  return topo(roots.filter((r) => r.requiresGrad)).some((t) => t.gradFn === null && !except.has(t));
}

function runHooks(t: Tensor, g: Tensor): Tensor {
  if (!t.hooks) return g;
  for (const hook of t.hooks) {
    const h = hook(g);
    if (h === undefined) continue;
    if (h.shape.join() !== g.shape.join() || h.dtype !== g.dtype) {
      throw new Error(
        `registerHook: a hook returned ${h.dtype} ${shapeStr(h.shape)} for a gradient of ${g.dtype} ${shapeStr(g.shape)}`,
      );
    }
    g = h;
  }
  return g;
}

/** Non-leaf tensors whose gradient `backward()` keeps in `.grad` (see retainGrad). */
export const retained = new WeakSet<Tensor>();

export interface GradientsOptions extends BackwardOptions {
  /** Called with each leaf reached (and each tensor marked by retainGrad) and its gradient. */
  onLeaf?: (leaf: Tensor, grad: Tensor) => void;
  /** Tensors whose gradients the returned map keeps (the others are dropped once used). */
  keep?: readonly Tensor[];
}

/**
 * The chain rule: gradients of `sum(roots[i] * gradOutputs[i])` with respect to every tensor
 * reached, in reverse topological order. Returns the gradients of `opts.keep` that were reached.
 * Memory is released as the pass goes: a tensor's gradient is dropped once its op has passed it
 * on (or `onLeaf` has taken it), and the pass lets go of each tensor once it is processed, so
 * without `retainGraph` the forward graph behind it is freed too.
 */
export function runBackward(
  roots: readonly Tensor[],
  gradOutputs: readonly Tensor[],
  opts: GradientsOptions = {},
): Map<Tensor, Tensor> {
  const createGraph = opts.createGraph ?? false;
  const retainGraph = opts.retainGraph ?? createGraph;
  const keep = new Set(opts.keep);
  const kept = new Map<Tensor, Tensor>();
  const grads = new Map<Tensor, Tensor>();
  roots.forEach((r, i) => {
    const g = gradOutputs[i]!;
    grads.set(r, grads.has(r) ? add(grads.get(r)!, g) : g);
  });
  const order = topo(roots);
  const anomaly = gradMode.anomaly;
  if (anomaly) checkForward(order);
  const run = () => {
    while (order.length > 0) {
      const t = order.pop()!;
      let g = grads.get(t);
      if (g === undefined) continue;
      grads.delete(t);
      g = runHooks(t, g);
      if (keep.has(t)) kept.set(t, g);
      const node = t.gradFn;
      if (node === null || retained.has(t)) opts.onLeaf?.(t, g);
      if (node === null) continue;
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
        if (gi.dtype !== x.dtype || !sumsTo(gi.shape, x.shape)) {
          throw new Error(
            `backward: the gradient of '${node.prim.name}' for its input ${i} is ${gi.dtype} ${shapeStr(gi.shape)}, which does not sum to the input's ${x.dtype} ${shapeStr(x.shape)}`,
          );
        }
        const shaped = sumToShape(gi, x.shape);
        if (anomaly) checkGradient(t, i, x, shaped);
        const prev = grads.get(x);
        grads.set(x, prev === undefined ? shaped : add(prev, shaped));
      });
      if (!retainGraph) node.inputs = null;
    }
  };
  if (createGraph) enableGrad(run);
  else noGrad(run);
  return kept;
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

engine.backward = backward;
