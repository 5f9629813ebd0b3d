import { exportGraph, toDot, toMermaid } from "@nablajs/autograd";
import { mse } from "@nablajs/losses";
import { Generator, noGrad, randn, type Tensor } from "@nablajs/tensor";
import { defineExample } from "../lib/example.js";
import { graphToSvg } from "../lib/graph-svg.js";

export default defineExample({
  title: "Backpropagation is the chain rule",
  idea:
    "A two-layer network is a composition of simple functions, so its gradient is a product of their " +
    "local derivatives, taken from the loss backwards: each step multiplies the gradient arriving at a " +
    "node by that node's local derivative. Done by hand, step by step, it gives autograd's numbers; " +
    "the graph below is what autograd recorded, with each node's value, gradient and local derivative.",
  formula: String.raw`h = \tanh(xW_1 + b_1),\; y = hW_2 + b_2,\; L = \tfrac{1}{n}\lVert y - t\rVert^2: \quad \frac{\partial L}{\partial W_1} = x^\top\Big[\big(\tfrac{2}{n}(y - t)\, W_2^\top\big) \odot (1 - h^2)\Big]`,
  run(ctx) {
    const g = new Generator(8);
    const param = (shape: number[]) => {
      const p = randn(shape, { dtype: "float64", generator: g });
      p.requiresGrad = true;
      return p;
    };
    const x = randn([2, 3], { dtype: "float64", generator: g }); // a batch of 2 inputs
    const t = randn([2, 1], { dtype: "float64", generator: g }); // their targets
    const [W1, b1, W2, b2] = [param([3, 4]), param([4]), param([4, 1]), param([1])];

    // Forward: autograd records each op; retainGrad keeps the intermediates' gradients.
    const z = x.matmul(W1!).add(b1!).retainGrad();
    const h = z.tanh().retainGrad();
    const y = h.matmul(W2!).add(b2!).retainGrad();
    const loss = mse(y, t);
    loss.backward(undefined, { retainGraph: true }); // keep the graph to draw it
    ctx.print(`loss = ${loss.item()}`);

    // Backward by hand: the chain rule, one local derivative at a time.
    const n = y.size;
    const hand = noGrad(() => {
      const [hv, yv] = [h.detach(), y.detach()];
      const dy = yv.sub(t).mul(2 / n); //              dL/dy  = 2(y - t)/n
      const dW2 = hv.mT().matmul(dy); //               dL/dW2 = hᵀ dL/dy
      const db2 = dy.sum(0); //                        dL/db2 = Σ_batch dL/dy
      const dh = dy.matmul(W2!.detach().mT()); //      dL/dh  = dL/dy W2ᵀ
      const dz = dh.mul(hv.square().neg().add(1)); //  dL/dz  = dL/dh ⊙ (1 - h²)
      const dW1 = x.mT().matmul(dz); //                dL/dW1 = xᵀ dL/dz
      const db1 = dz.sum(0); //                        dL/db1 = Σ_batch dL/dz
      return { dy, dh, dz, dW2, db2, dW1, db1 };
    });
    const pairs: [string, Tensor, Tensor][] = [
      ["dL/dy", hand.dy, y.grad!],
      ["dL/dW2", hand.dW2, W2!.grad!],
      ["dL/db2", hand.db2, b2!.grad!],
      ["dL/dh", hand.dh, h.grad!],
      ["dL/dz", hand.dz, z.grad!],
      ["dL/dW1", hand.dW1, W1!.grad!],
      ["dL/db1", hand.db1, b1!.grad!],
    ];
    const rows = pairs.map(([name, a, b]) => ({
      step: name,
      shape: `[${a.shape.join(", ")}]`,
      "by hand (first entry)": a.toTypedArray()[0]!,
      "max |hand − autograd|": a.sub(b).abs().max().item(),
    }));
    ctx.table(rows);
    const worst = Math.max(...rows.map((r) => r["max |hand − autograd|"]));
    ctx.claim(
      "every gradient by hand equals autograd's, intermediates included (float64)",
      worst < 1e-15,
      `worst ${worst.toExponential(1)}`,
    );

    // The recorded graph: nodes are tensors, edges are an op's inputs.
    const graph = exportGraph(loss, {
      names: { x, t, W1: W1!, b1: b1!, W2: W2!, b2: b2!, z, h, y, loss },
      localGrads: true,
    });
    const ops = graph.nodes.filter((node) => node.op !== "leaf");
    ctx.print(
      `the graph: ${graph.nodes.length} tensors (${ops.length} ops: ${ops.map((o) => o.op).join(", ")}), ${graph.edges.length} edges`,
    );
    ctx.claim(
      "every recorded op carries its local derivative",
      ops.every((o) => o.derivative !== undefined),
    );
    const tanhNode = graph.nodes.find((node) => node.op === "tanh")!;
    const oneMinusH2 = noGrad(() => h.detach().square().neg().add(1));
    ctx.claim(
      "tanh's local derivative, evaluated (its VJP of ones), is 1 − h²",
      tanhNode.localGrads?.[0] === exportGraph(oneMinusH2).nodes.at(-1)!.value,
      tanhNode.localGrads?.[0],
    );
    ctx.file("backprop.dot", toDot(graph));
    ctx.file("backprop.mmd", toMermaid(graph));
    ctx.svg(
      "graph",
      "The computation graph autograd recorded, inputs at the top and the loss at the bottom. Each box: the tensor's name and op, its shape, its value, the gradient that backward left in it (leaves and retained intermediates), the op's local derivative and that derivative evaluated (the VJP of ones, per input). Blue: parameters. The same graph as Graphviz DOT and Mermaid is below.",
      graphToSvg(graph),
    );
  },
});
