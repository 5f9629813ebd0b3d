import { noGrad, onesLike, sumToShape, type Tensor } from "@nablajs/tensor";

/** One tensor of a recorded computation: a leaf (an input or a parameter) or the output of an op. */
export interface GraphNode {
  /** `n0`, `n1`, ... in topological order: every input before the ops that use it. */
  readonly id: string;
  /** The name given in `ExportOptions.names`, if any. */
  readonly name: string | undefined;
  /** The primitive that produced the tensor (`tanh`, `matmul`, `lstmSequence[1]`), or `leaf`. */
  readonly op: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly requiresGrad: boolean;
  /** A short summary of the value: the numbers when there are at most 4, else min..max and mean. */
  readonly value: string;
  /** A summary of `.grad` when the tensor has one (leaves after `backward`, or `retainGrad`). */
  readonly grad: string | undefined;
  /** The op's local derivative as a formula (`1 - y²` for tanh), when the op is a known primitive. */
  readonly derivative: string | undefined;
  /**
   * With `localGrads`: the op's VJP of a cotangent of ones, one summary per input, that is
   * d sum(y) / d input (`1 - y²` evaluated, for tanh).
   */
  readonly localGrads: readonly string[] | undefined;
}

/** An edge from an op's input to its output: `input` is the position among the op's inputs. */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly input: number;
}

/** A recorded computation as nodes (tensors) and edges (input -> output), inputs first. */
export interface Graph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

/** Options of `exportGraph`. */
export interface ExportOptions {
  /** Labels for tensors of the graph (leaves or intermediates): `{ W1, b1, loss }`. */
  readonly names?: Readonly<Record<string, Tensor>>;
  /** Evaluate each op's VJP of ones (costs one backward step per op; default false). */
  readonly localGrads?: boolean;
}

/**
 * The local derivative of each primitive, as its rule states it: inputs `x` (or `a`, `b`),
 * output `y`, upstream gradient `g`. The rules themselves live beside the ops in @nablajs/tensor.
 */
export const derivativeFormulas: Readonly<Record<string, string>> = {
  add: "∂a = 1, ∂b = 1",
  sub: "∂a = 1, ∂b = -1",
  mul: "∂a = b, ∂b = a",
  div: "∂a = 1/b, ∂b = -a/b²",
  pow: "∂a = b a^(b-1), ∂b = a^b ln a",
  maximum: "∂a = [a > b], ∂b = [b > a] (½ on ties)",
  minimum: "∂a = [a < b], ∂b = [b < a] (½ on ties)",
  neg: "-1",
  exp: "y",
  log: "1/x",
  sin: "cos x",
  cos: "-sin x",
  tanh: "1 - y²",
  sigmoid: "y (1 - y)",
  relu: "[x > 0]",
  sqrt: "1 / (2y)",
  abs: "sign x",
  square: "2x",
  sign: "0",
  clamp: "[lo ≤ x ≤ hi]",
  where: "∂a = [c], ∂b = [not c]",
  sum: "1 (g spread over the summed axes)",
  max: "[x = max] / count",
  min: "[x = min] / count",
  matmul: "∂A = g Bᵀ, ∂B = Aᵀ g",
  reshape: "1 (g reshaped back)",
  transpose: "1 (g transposed back)",
  expand: "1 (g summed over the expanded axes)",
  narrow: "1 (g padded with zeros)",
  concat: "1 (g split back)",
  indexSelect: "1 (g added back at the indices)",
  indexAdd: "∂base = 1, ∂src = g at the indices",
  takeAlongAxis: "1 (g added back at the indices)",
  contiguous: "1",
  alias: "1",
  copy: "1",
  astype: "1 (g cast back)",
  crossEntropy: "(softmax(x) - onehot(t)) / n",
};

/** A number with 4 significant digits and no trailing zeros. */
function num(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e5 || a < 1e-3 ? v.toExponential(2) : String(Number(v.toPrecision(4)));
}

/** The values when there are at most 4 of them, else `min..max, mean m`. */
export function summarizeTensor(t: Tensor): string {
  const v = t.toTypedArray();
  if (v.length <= 4) return t.ndim === 0 ? num(v[0]!) : `[${Array.from(v, num).join(", ")}]`;
  let lo = Infinity;
  let hi = -Infinity;
  let s = 0;
  for (const x of v) {
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
    s += x;
  }
  return `${num(lo)}..${num(hi)}, mean ${num(s / v.length)}`;
}

/** d sum(outputs of the op) / d input, for each input of `t`'s op: its VJP applied to ones. */
function localGradsOf(t: Tensor): string[] {
  const node = t.gradFn!;
  const inputs = node.inputs!;
  const ctx = { createGraph: false };
  const grads = noGrad(() =>
    node.prim.multi
      ? node.prim.vjp(
          node.outputs!.map((o) => (o === t ? onesLike(o) : null)),
          inputs,
          node.outputs!,
          node.attrs,
          ctx,
        )
      : node.prim.vjp(onesLike(t), inputs, t, node.attrs, ctx),
  );
  return inputs.map((x, i) => {
    const g = grads[i];
    return g ? summarizeTensor(sumToShape(g, x.shape)) : "none";
  });
}

/**
 * The recorded computation that produced `outputs`, walked back through each tensor's `gradFn`:
 * one node per tensor, inputs before outputs. The graph must not have been freed: export before
 * `backward()`, or call `backward({ retainGraph: true })`.
 *
 * @example
 * const loss = tanh(matmul(x, W)).sum();
 * loss.backward({ retainGraph: true });
 * console.log(toDot(exportGraph(loss, { names: { x, W, loss } })));
 */
export function exportGraph(outputs: Tensor | readonly Tensor[], opts: ExportOptions = {}): Graph {
  const roots = Array.isArray(outputs) ? outputs : [outputs as Tensor];
  if (roots.length === 0) throw new Error("exportGraph: no outputs given");
  const names = new Map<Tensor, string>();
  for (const [name, t] of Object.entries(opts.names ?? {})) names.set(t, name);
  const ids = new Map<Tensor, string>();
  const order: Tensor[] = [];
  // Iterative post-order depth-first walk, so long chains do not overflow the stack.
  const stack: [Tensor, boolean][] = roots.map((t): [Tensor, boolean] => [t, false]).reverse();
  while (stack.length > 0) {
    const [t, expanded] = stack.pop()!;
    if (ids.has(t)) continue;
    const node = t.gradFn;
    if (expanded || node === null) {
      ids.set(t, `n${order.length}`);
      order.push(t);
      continue;
    }
    if (node.inputs === null)
      throw new Error(
        `exportGraph: the graph of ${node.prim.name} was freed by backward; export before backward or call backward({ retainGraph: true })`,
      );
    stack.push([t, true]);
    for (let i = node.inputs.length - 1; i >= 0; i--)
      if (!ids.has(node.inputs[i]!)) stack.push([node.inputs[i]!, false]);
  }
  const edges: GraphEdge[] = [];
  const nodes = order.map((t): GraphNode => {
    const fn = t.gradFn;
    const outIndex = fn?.outputs ? fn.outputs.indexOf(t) : -1;
    fn?.inputs?.forEach((x, input) => {
      edges.push({ from: ids.get(x)!, to: ids.get(t)!, input });
    });
    return {
      id: ids.get(t)!,
      name: names.get(t),
      op: fn === null ? "leaf" : outIndex >= 0 ? `${fn.prim.name}[${outIndex}]` : fn.prim.name,
      shape: t.shape,
      dtype: t.dtype,
      requiresGrad: t.requiresGrad,
      value: summarizeTensor(t),
      grad: t.grad ? summarizeTensor(t.grad) : undefined,
      derivative: fn ? derivativeFormulas[fn.prim.name] : undefined,
      localGrads: fn && opts.localGrads ? localGradsOf(t) : undefined,
    };
  });
  return { nodes, edges };
}

/** The text lines of a node's label: title, shape, value, gradient, local derivative. */
export function nodeLines(n: GraphNode): string[] {
  const title =
    n.op === "leaf" ? (n.name ? `${n.name} (leaf)` : "leaf") : n.name ? `${n.name} = ${n.op}` : n.op;
  const lines = [title, `[${n.shape.join(", ")}] ${n.dtype}`, `value ${n.value}`];
  if (n.grad !== undefined) lines.push(`grad ${n.grad}`);
  if (n.derivative !== undefined) lines.push(`local ${n.derivative}`);
  if (n.localGrads !== undefined) lines.push(`VJP(1) ${n.localGrads.join(" | ")}`);
  return lines;
}

/** The graph in Graphviz DOT: `dot -Tsvg graph.dot > graph.svg`. Leaves that require a gradient are shaded. */
export function toDot(graph: Graph): string {
  const esc = (s: string) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
  const out = [
    "digraph nabla {",
    '  node [shape=box, style="rounded,filled", fillcolor=white, fontname="Helvetica", fontsize=10];',
  ];
  for (const n of graph.nodes) {
    const fill = n.op === "leaf" && n.requiresGrad ? ', fillcolor="#dbeafe"' : "";
    out.push(`  ${n.id} [label="${nodeLines(n).map(esc).join("\\n")}"${fill}];`);
  }
  for (const e of graph.edges) out.push(`  ${e.from} -> ${e.to};`);
  out.push("}");
  return `${out.join("\n")}\n`;
}

/** The graph as a Mermaid flowchart (top to bottom: inputs first). */
export function toMermaid(graph: Graph): string {
  const esc = (s: string) =>
    s.replace(/&/g, "#amp;").replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
  const out = ["flowchart TB"];
  for (const n of graph.nodes) out.push(`  ${n.id}["${nodeLines(n).map(esc).join("<br/>")}"]`);
  for (const e of graph.edges) out.push(`  ${e.from} --> ${e.to}`);
  return `${out.join("\n")}\n`;
}
