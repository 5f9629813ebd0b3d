import { customGrad, matmul, type Tensor, tanh, tensor } from "@nablajs/tensor";
import { describe, expect, it } from "vitest";
import { exportGraph, summarizeTensor, toDot, toMermaid } from "./graph-export.js";
import { inputs } from "./test-helpers.js";

const r = inputs(808);

/** loss = sum(tanh(x W + b)): x [2, 3] a constant, W [3, 2] and b [2] parameters. */
function mlp() {
  const x = r.normal([2, 3]);
  const W = r.normal([3, 2]).detach();
  W.requiresGrad = true;
  const b = tensor([0.1, -0.2], { dtype: "float64", requiresGrad: true });
  const z = matmul(x, W);
  const h = tanh(z.add(b));
  const loss = h.sum();
  return { x, W, b, z, h, loss };
}

describe("exportGraph", () => {
  it("walks every tensor back to the leaves, inputs before the ops that use them", () => {
    const { x, W, b, loss } = mlp();
    const g = exportGraph(loss, { names: { x, W, b, loss } });
    expect(g.nodes.map((n) => n.op)).toEqual(["leaf", "leaf", "matmul", "leaf", "add", "tanh", "sum"]);
    expect(g.nodes.map((n) => n.name)).toEqual(["x", "W", undefined, "b", undefined, undefined, "loss"]);
    const id = (op: string) => g.nodes.find((n) => n.op === op)!.id;
    expect(g.edges).toContainEqual({ from: id("matmul"), to: id("add"), input: 0 });
    expect(g.edges).toHaveLength(6);
    for (const e of g.edges) expect(Number(e.from.slice(1))).toBeLessThan(Number(e.to.slice(1)));
    expect(g.nodes.find((n) => n.op === "tanh")!.shape).toEqual([2, 2]);
    expect(g.nodes.find((n) => n.op === "tanh")!.derivative).toBe("1 - y²");
  });

  it("summarizes values and, after backward, the gradients of the leaves", () => {
    const { W, b, loss } = mlp();
    loss.backward(undefined, { retainGraph: true });
    const g = exportGraph(loss, { names: { W, b } });
    const node = (name: string) => g.nodes.find((n) => n.name === name)!;
    expect(node("b").value).toBe("[0.1, -0.2]");
    expect(node("b").grad).toBe(summarizeTensor(b.grad!));
    expect(g.nodes.at(-1)!.value).toBe(String(Number(loss.item().toPrecision(4))));
    expect(summarizeTensor(tensor([1, 2, 3, 4, 5, 10]))).toBe("1..10, mean 4.167");
  });

  it("evaluates each op's VJP of ones: the local derivative d sum(y) / d input", () => {
    const { x, h, loss } = mlp();
    const g = exportGraph(loss, { localGrads: true });
    const tanhNode = g.nodes.find((n) => n.op === "tanh")!;
    // d sum(tanh(u)) / du = 1 - tanh(u)^2, from the values by plain arithmetic
    const expected = tensor(
      Array.from(h.toTypedArray(), (y) => 1 - y * y),
      { dtype: "float64", shape: [2, 2] },
    );
    expect(tanhNode.localGrads).toEqual([summarizeTensor(expected)]);
    // d sum(x W) / dW = x^T 1: row i of W gets the sum of column i of x; x is a constant: none
    const xs = x.toTypedArray();
    const colSums = [0, 1, 2].flatMap((i) => [xs[i]! + xs[3 + i]!, xs[i]! + xs[3 + i]!]);
    const mm = g.nodes.find((n) => n.op === "matmul")!;
    expect(mm.localGrads).toEqual([
      "none",
      summarizeTensor(tensor(colSums, { dtype: "float64", shape: [3, 2] })),
    ]);
  });

  it("names each output of a several-output op by its position", () => {
    const a = r.normal([3]).detach();
    a.requiresGrad = true;
    const twice = customGrad(
      (u: Tensor) => [u.mul(2), u.mul(3)],
      ([g1, g2]) => [g1!.mul(2).add(g2!.mul(3))],
      { name: "twoScales" },
    );
    const [p, q] = twice(a);
    const g = exportGraph([p!, q!], { localGrads: true });
    expect(g.nodes.map((n) => n.op)).toEqual(["leaf", "twoScales[0]", "twoScales[1]"]);
    expect(g.nodes[1]!.localGrads).toEqual(["[2, 2, 2]"]);
    expect(g.nodes[2]!.localGrads).toEqual(["[3, 3, 3]"]);
  });

  it("refuses a graph that backward freed, and no outputs", () => {
    const { loss } = mlp();
    loss.backward();
    expect(() => exportGraph(loss)).toThrow(/freed by backward.*retainGraph/);
    expect(() => exportGraph([])).toThrow("exportGraph: no outputs given");
  });

  it("a chain of 20,000 ops does not overflow the stack", () => {
    let y = tensor([1], { dtype: "float64", requiresGrad: true });
    for (let i = 0; i < 20_000; i++) y = y.mul(1);
    expect(exportGraph(y).nodes).toHaveLength(40_001); // each mul has a constant leaf 1
  });
});

describe("toDot and toMermaid", () => {
  it("write one labelled node per tensor and one edge per input, with quotes escaped", () => {
    const { W, loss } = mlp();
    const g = exportGraph(loss, { names: { 'W "weights"': W } });
    const dot = toDot(g);
    expect(dot.startsWith("digraph nabla {")).toBe(true);
    expect(dot).toContain('label="W \\"weights\\" (leaf)\\n[3, 2] float64\\nvalue ');
    expect(dot.match(/ -> /g)).toHaveLength(6);
    expect(dot).toContain('fillcolor="#dbeafe"'); // a leaf that requires a gradient
    const mermaid = toMermaid(g);
    expect(mermaid.split("\n")[0]).toBe("flowchart TB");
    expect(mermaid).toContain("W #quot;weights#quot; (leaf)<br/>[3, 2] float64");
    expect(mermaid.match(/ --> /g)).toHaveLength(6);
    expect(mermaid).not.toMatch(/\["[^\]]*"[^\]]*"\]/); // no raw quote inside a label
  });
});
