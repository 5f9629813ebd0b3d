// The core differentiates by itself: no other nabla package is imported here.
import { describe, expect, it } from "vitest";
import { assertAllClose } from "../../../../tooling/testing/src/index.js";
import * as T from "../node.js";

describe("Tensor.backward with the core alone", () => {
  it("the README's first example gets PyTorch's gradient 2 tanh(x) (1 - tanh(x)^2)", () => {
    for (const dtype of ["float32", "float64"] as const) {
      const x = T.tensor([1, 2, 3], { dtype, requiresGrad: true });
      x.tanh().square().sum().backward();
      const t = [1, 2, 3].map(Math.tanh);
      // torch.tensor([1., 2., 3.], dtype=torch.float64, requires_grad=True): x.tanh().square().sum().backward()
      assertAllClose(
        x.grad!,
        t.map((v) => 2 * v * (1 - v * v)),
        dtype === "float32" ? { rtol: 2e-6, atol: 1e-7 } : { rtol: 1e-15, atol: 1e-16 },
      );
    }
  });

  it("gradients() (torch.autograd.grad) leaves .grad alone and nests for a second derivative", () => {
    const x = T.tensor([0.5, -1], { dtype: "float64", requiresGrad: true });
    const [g] = T.gradients([x.sin().sum()], [x], [T.tensor(1, { dtype: "float64" })], { createGraph: true });
    const [h] = T.gradients([g!.sum()], [x], [T.tensor(1, { dtype: "float64" })]);
    assertAllClose(g!, [Math.cos(0.5), Math.cos(-1)], { rtol: 1e-15 });
    assertAllClose(h!, [-Math.sin(0.5), -Math.sin(-1)], { rtol: 1e-15 });
    expect(x.grad).toBeNull();
  });

  it("retainGrad, hooks and detectAnomaly work on the core alone", () => {
    const x = T.tensor([1, 4], { dtype: "float64", requiresGrad: true });
    const y = x.sqrt().retainGrad();
    const seen: number[][] = [];
    y.registerHook((g) => {
      seen.push(Array.from(g.toTypedArray()));
    });
    y.mul(3).sum().backward();
    expect(y.grad!.toArray()).toEqual([3, 3]);
    expect(seen).toEqual([[3, 3]]);
    assertAllClose(x.grad!, [1.5, 0.75], { rtol: 1e-15 });
    const z = T.tensor([0, 1], { dtype: "float64", requiresGrad: true });
    expect(() => T.detectAnomaly(() => z.sqrt().sum().backward())).toThrow(
      /detectAnomaly: the gradient of 'sqrt' for its input 0 \[2\] contains NaN or Inf/,
    );
  });
});

describe("gradients() runs only the ops on a path to the tensors it was asked for", () => {
  it("a branch that leads only elsewhere is never differentiated, and the graph above the inputs survives", () => {
    let calls = 0;
    const spy = T.customGrad(
      (w: T.Tensor) => T.exp(w),
      (g, [w]) => {
        calls++;
        return [T.mul(g, T.exp(w!))];
      },
      "spy",
    );
    const z = T.tensor([0.5, 1.5], { dtype: "float64", requiresGrad: true });
    const w = T.tensor([0.1, 0.2], { dtype: "float64", requiresGrad: true });
    const x = z.exp(); // the requested input has a graph above it
    const loss = x.mul(x).sum().add(spy(w).sum());
    const [gx] = T.gradients([loss], [x], [T.tensor(1, { dtype: "float64" })]);
    assertAllClose(gx!, T.mul(x, 2), { rtol: 1e-15 });
    expect(calls).toBe(0);
    // the op above x was not run, so not freed: a backward from x still works
    x.sum().backward();
    assertAllClose(z.grad!, T.exp(z), { rtol: 1e-15 });
    expect(w.grad).toBeNull();
  });
});
