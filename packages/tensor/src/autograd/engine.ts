import { ones } from "../create.js";
import { add } from "../ops/binary.js";
import { sum } from "../ops/reduce.js";
import { reshape } from "../ops/view.js";
import { shapeStr } from "../shape.js";
import { Tensor } from "../tensor.js";
import { checkForward, checkGradient } from "./anomaly.js";
import { forward, hasTangent } from "./forward.js";
import { enableGrad, gradMode, noGrad } from "./grad-mode.js";
import type { GradNode } from "./node.js";

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

/** Whether `from` broadcasts from `to` (so sumToShape can bring it back). */
function sumsTo(from: readonly number[], to: readonly number[]): boolean {
  const lead = from.length - to.length;
  return lead >= 0 && to.every((d, i) => d === from[i + lead] || d === 1);
}

/** A vertex of the backward graph: a tensor, or the node of a several-output op. */
type Vertex = Tensor | GradNode;

/** What a vertex leads to: a tensor's node (shared by several outputs) or inputs; a node's inputs. */
function next(v: Vertex): readonly Vertex[] {
  if (!(v instanceof Tensor)) return v.inputs ?? [];
  const node = v.gradFn;
  if (node === null) return [];
  if (node.outputs !== null) return [node];
  return node.inputs ?? [];
}

/**
 * The vertices reachable from `roots` through recorded ops, each before everything it feeds (a
 * topological order): popping from the end visits each tensor after all its consumers, and the
 * node of a several-output op after every output of it that was reached.
 */
function topo(roots: readonly Tensor[]): Vertex[] {
  const order: Vertex[] = [];
  const seen = new Set<Vertex>();
  const stack: [Vertex, boolean][] = roots.map((r) => [r, false]);
  while (stack.length > 0) {
    const [v, done] = stack.pop()!;
    if (done) {
      order.push(v);
      continue;
    }
    if (seen.has(v)) continue;
    seen.add(v);
    stack.push([v, true]);
    for (const x of next(v)) {
      if (!seen.has(x) && (!(x instanceof Tensor) || x.requiresGrad)) stack.push([x, false]);
    }
  }
  return order;
}

/**
 * The vertices of `order` (a post-order: each vertex after everything it leads to) from which a
 * tensor of `keep` can be reached: the only ones a pass that wants just those gradients must run.
 */
function neededFor(order: readonly Vertex[], keep: ReadonlySet<Tensor>): Set<Vertex> {
  const needed = new Set<Vertex>();
  for (const v of order) {
    if ((v instanceof Tensor && keep.has(v)) || next(v).some((x) => needed.has(x))) needed.add(v);
  }
  return needed;
}

/** Whether the graph behind `roots` reaches a leaf that requires a gradient and is not in `except`. */
export function reachesLeaf(roots: readonly Tensor[], except: ReadonlySet<Tensor>): boolean {
  return topo(roots.filter((r) => r.requiresGrad)).some(
    (v) => v instanceof Tensor && v.gradFn === null && !except.has(v),
  );
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

/** Non-leaf tensors whose gradient `backward()` keeps in `.grad` (see `Tensor.retainGrad`). */
export const retained = new WeakSet<Tensor>();

/** Options of `runBackward`. */
export interface RunOptions {
  /** Keep the graph so backward can run through it again (default: createGraph). */
  retainGraph?: boolean;
  /** Record the backward pass itself, so the gradients can be differentiated again. */
  createGraph?: boolean;
  /** Called with each leaf reached (and each tensor marked by retainGrad) and its gradient. */
  onLeaf?: (leaf: Tensor, grad: Tensor) => void;
  /** Tensors whose gradients the returned map keeps (the others are dropped once used). */
  keep?: readonly Tensor[];
}

function freedError(node: GradNode): Error {
  return new Error(
    `backward: the graph through '${node.prim.name}' was already freed by an earlier backward; pass { retainGraph: true } to the first call`,
  );
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
  opts: RunOptions = {},
): Map<Tensor, Tensor> {
  const createGraph = opts.createGraph ?? false;
  const retainGraph = opts.retainGraph ?? createGraph;
  const recorded = { createGraph: true };
  const plain = { createGraph: false };
  /** A rule's result is differentiated again when the pass is recorded or a tangent reaches it. */
  const ctxOf = (node: GradNode, more: readonly (Tensor | null)[]) =>
    createGraph || (forward.levels.length !== 0 && (hasTangent(node.inputs!) || hasTangent(more)))
      ? recorded
      : plain;
  const keep = new Set(opts.keep);
  const kept = new Map<Tensor, Tensor>();
  const grads = new Map<Tensor, Tensor>();
  /** Cotangents parked for several-output nodes until the node's turn comes. */
  const parked = new Map<GradNode, (Tensor | null)[]>();
  roots.forEach((r, i) => {
    const g = gradOutputs[i]!;
    grads.set(r, grads.has(r) ? add(grads.get(r)!, g) : g);
  });
  const order = topo(roots);
  // Asked only for some tensors' gradients (no onLeaf): run only the ops on a path to them.
  const needed = opts.onLeaf === undefined ? neededFor(order, keep) : null;
  const anomaly = gradMode.anomaly;
  if (anomaly) checkForward(order.filter((v) => v instanceof Tensor));
  const pass = (node: GradNode, out: Tensor, inGrads: (Tensor | null)[]) => {
    node.inputs!.forEach((x, i) => {
      const gi = inGrads[i];
      if (!x.requiresGrad || gi === null || gi === undefined || (needed && !needed.has(x))) return;
      if (gi.dtype !== x.dtype || !sumsTo(gi.shape, x.shape)) {
        throw new Error(
          `backward: the gradient of '${node.prim.name}' for its input ${i} is ${gi.dtype} ${shapeStr(gi.shape)}, which does not sum to the input's ${x.dtype} ${shapeStr(x.shape)}`,
        );
      }
      const shaped = sumToShape(gi, x.shape);
      if (anomaly) checkGradient(out, i, x, shaped);
      const prev = grads.get(x);
      grads.set(x, prev === undefined ? shaped : add(prev, shaped));
    });
    if (!retainGraph) node.inputs = null;
  };
  const run = () => {
    while (order.length > 0) {
      const v = order.pop()!;
      if (needed && !needed.has(v)) continue;
      if (!(v instanceof Tensor)) {
        // A several-output node: every output the pass reached has parked its cotangent.
        const gs = parked.get(v);
        if (gs === undefined) continue;
        parked.delete(v);
        if (v.inputs === null) throw freedError(v);
        if (v.prim.multi) {
          const ctx = ctxOf(v, [...gs, ...v.outputs!]);
          pass(v, v.outputs![0]!, v.prim.vjp(gs, v.inputs, v.outputs!, v.attrs, ctx));
        }
        continue;
      }
      let g = grads.get(v);
      if (g === undefined) continue;
      grads.delete(v);
      g = runHooks(v, g);
      if (keep.has(v)) kept.set(v, g);
      const node = v.gradFn;
      if (node === null || retained.has(v)) opts.onLeaf?.(v, g);
      // A requested tensor's own op runs only if something requested lies above it.
      if (node === null || (needed && !next(v).some((x) => needed.has(x)))) continue;
      if (node.outputs !== null) {
        const gs = parked.get(node) ?? node.outputs.map(() => null);
        gs[node.outputs.indexOf(v)] = g;
        parked.set(node, gs);
        continue;
      }
      if (node.inputs === null) throw freedError(node);
      if (!node.prim.multi) pass(node, v, node.prim.vjp(g, node.inputs, v, node.attrs, ctxOf(node, [g, v])));
    }
  };
  if (createGraph) enableGrad(run);
  else noGrad(run);
  return kept;
}

/** The gradient implied for `root` (1 for a scalar) or the checked `gradOutput`. */
export function seedGradient(op: string, root: Tensor, gradOutput: Tensor | undefined): Tensor {
  if (gradOutput === undefined) {
    if (root.size !== 1) {
      throw new Error(
        `${op}: a gradient can only be implied for a scalar output; the output is ${shapeStr(root.shape)}, pass gradOutput`,
      );
    }
    return ones(root.shape, { dtype: root.dtype });
  }
  if (!(gradOutput instanceof Tensor)) throw new Error(`${op}: gradOutput must be a Tensor`);
  if (gradOutput.shape.join() !== root.shape.join() || gradOutput.dtype !== root.dtype) {
    throw new Error(
      `${op}: gradOutput ${gradOutput.dtype} ${shapeStr(gradOutput.shape)} does not match the output ${root.dtype} ${shapeStr(root.shape)}`,
    );
  }
  return gradOutput;
}
