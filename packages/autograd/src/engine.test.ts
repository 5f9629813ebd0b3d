import type { Tensor } from "@nablajs/tensor";
import * as T from "@nablajs/tensor";
import { assertAllClose } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { enableGrad, grad, isGradEnabled, noGrad } from "./index.js";
import { inputs } from "./test-helpers.js";

const r = inputs(101);
const leaf = (x: Tensor): Tensor => {
  x.requiresGrad = true;
  return x;
};
const f64 = (data: T.NestedArray, requiresGrad = true) => T.tensor(data, { dtype: "float64", requiresGrad });

describe("backward: accumulation, shared values, graph lifetime", () => {
  it("accumulates into .grad over two backward calls; assigning null resets", () => {
    const x = leaf(r.normal([3]));
    const loss = () => T.sum(T.sin(x));
    loss().backward();
    const once = x.grad!.toTypedArray();
    assertAllClose(once, T.cos(x)); // d sum(sin x) = cos x
    loss().backward();
    assertAllClose(x.grad!, T.mul(T.cos(x), 2));
    x.grad = null;
    loss().backward();
    assertAllClose(x.grad!, once);
  });

  it("a value used twice gets the sum of both paths: y = x * x + sin(x)", () => {
    const x = leaf(r.normal([4]));
    const y = T.add(T.mul(x, x), T.sin(x));
    T.sum(y).backward();
    assertAllClose(x.grad!, T.add(T.mul(x, 2), T.cos(x)), { rtol: 1e-12 });
  });

  it("a shared intermediate feeding several branches (diamond) matches grad of the same function", () => {
    const x = leaf(r.normal([3]));
    const h = T.tanh(x);
    T.sum(T.add(T.mul(h, h), T.exp(h))).backward();
    const expected = grad((t: Tensor) => {
      const u = T.tanh(t);
      return T.sum(T.add(T.square(u), T.exp(u)));
    })(T.detach(x)) as Tensor;
    assertAllClose(x.grad!, expected, { rtol: 1e-12 });
  });

  it("a second backward through a freed graph is a clear error; retainGraph allows it", () => {
    const x = leaf(r.normal([2]));
    const y = T.sum(T.exp(x));
    y.backward();
    expect(() => y.backward()).toThrow(/already freed.*retainGraph: true/);
    const z = T.sum(T.exp(x));
    x.grad = null;
    z.backward(undefined, { retainGraph: true });
    z.backward();
    assertAllClose(x.grad!, T.mul(T.exp(x), 2));
  });

  it("the freed graph drops its inputs, so it can be collected", () => {
    const x = leaf(r.normal([2]));
    const y = T.sum(T.exp(x));
    y.backward();
    expect(y.gradFn?.inputs).toBeNull();
  });

  it("createGraph gives a differentiable .grad: d/dx of (d/dx x^3) = 6x", () => {
    const x = leaf(r.normal([3]));
    T.sum(T.pow(x, 3)).backward(undefined, { createGraph: true });
    const g = x.grad!;
    expect(g.requiresGrad).toBe(true);
    assertAllClose(g, T.mul(T.square(T.detach(x)), 3), { rtol: 1e-12 });
    x.grad = null;
    T.sum(g).backward();
    assertAllClose(x.grad!, T.mul(T.detach(x), 6), { rtol: 1e-12 });
  });

  it("without createGraph the gradient is a plain tensor", () => {
    const x = leaf(r.normal([3]));
    T.sum(T.pow(x, 3)).backward();
    expect(x.grad?.requiresGrad).toBe(false);
    expect(x.grad?.gradFn).toBeNull();
  });

  it("a non-scalar output needs gradOutput, and uses it as the cotangent", () => {
    const x = leaf(r.normal([2, 3]));
    const y = T.mul(x, 3);
    expect(() => y.backward()).toThrow(/only be implied for a scalar output.*\[2,3\].*gradOutput/);
    const v = r.normal([2, 3]);
    y.backward(v);
    assertAllClose(x.grad!, T.mul(v, 3));
  });

  it("gradOutput of the wrong shape or dtype is a clear error", () => {
    const y = T.mul(leaf(r.normal([2, 3])), 3);
    expect(() => y.backward(r.normal([3, 2]))).toThrow(/gradOutput float64 \[3,2\] does not match.*\[2,3\]/);
    expect(() => y.backward(T.ones([2, 3]))).toThrow(/gradOutput float32 \[2,3\] does not match.*float64/);
  });

  it("backward on a tensor that does not require a gradient is a clear error", () => {
    expect(() => T.sum(r.normal([2])).backward()).toThrow(/does not require a gradient/);
  });

  it("a leaf that is itself the output gets gradOutput as its gradient", () => {
    const x = leaf(r.normal([2]));
    const v = r.normal([2]);
    x.backward(v);
    assertAllClose(x.grad!, v);
  });

  it("each .grad owns its storage: never shared with another .grad, gradOutput or a leaf", () => {
    const a = leaf(r.normal([2]));
    const b = leaf(r.normal([2]));
    const v = r.normal([2]);
    T.add(a, b).backward(v); // d(a + b) passes v itself to both inputs
    expect(a.grad!.data.buffer).not.toBe(b.grad!.data.buffer);
    expect(a.grad!.data.buffer).not.toBe(v.data.buffer);
    expect(b.grad!.data.buffer).not.toBe(v.data.buffer);
    a.grad!.data[0] = 100; // an in-place optimizer step on one gradient
    expect(b.grad!.data[0]).toBe(v.data[0]);
    const c = leaf(r.normal([2]));
    c.backward(v); // the output is the leaf itself: its gradient is gradOutput
    expect(c.grad!.data.buffer).not.toBe(v.data.buffer);
    // a reshape view of the same gradient reaching a second leaf
    const p = leaf(r.normal([2]));
    const q = leaf(r.normal([2, 1]));
    T.add(p, T.reshape(q, [2])).backward(v);
    expect(p.grad!.data.buffer).not.toBe(q.grad!.data.buffer);
  });

  it("float32 graphs work end to end", () => {
    const x = T.tensor([0.5, -1, 2], { requiresGrad: true });
    T.sum(T.tanh(x)).backward();
    expect(x.grad?.dtype).toBe("float32");
    assertAllClose(x.grad!, T.sub(1, T.square(T.tanh(x))), { rtol: 1e-6 });
  });

  it("a chain of 20,000 ops does not overflow the stack", () => {
    const x = f64(0.5);
    let y = x;
    for (let i = 0; i < 20000; i++) y = T.mul(y, 1.0001);
    y.backward();
    expect(x.grad!.item()).toBeCloseTo(1.0001 ** 20000, 8);
  });
});

describe("recording: requiresGrad, noGrad, enableGrad, detach", () => {
  it("records nothing when no input requires a gradient", () => {
    const y = T.exp(T.add(r.normal([2]), 1));
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
  });

  it("noGrad records nothing and restores the mode, even after a throw", () => {
    const x = leaf(r.normal([2]));
    const y = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      return T.exp(x);
    });
    expect(y.requiresGrad).toBe(false);
    expect(isGradEnabled()).toBe(true);
    expect(() =>
      noGrad(() => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(isGradEnabled()).toBe(true);
  });

  it("enableGrad inside noGrad records again", () => {
    const x = leaf(r.normal([2]));
    const y = noGrad(() => enableGrad(() => T.exp(x)));
    expect(y.requiresGrad).toBe(true);
    T.sum(y).backward();
    assertAllClose(x.grad!, T.exp(x));
  });

  it("detach shares the values but cuts the graph", () => {
    const x = leaf(r.normal([3]));
    const d = T.detach(T.mul(x, 2));
    expect(d.requiresGrad).toBe(false);
    // y = x * stop(2x): the detached factor is a constant, so dy/dx = 2x, not 4x
    T.sum(T.mul(x, d)).backward();
    assertAllClose(x.grad!, T.mul(x, 2));
    expect(x.detach().data).toBe(x.data);
  });

  it("requiresGrad on an int32 tensor is an error, at creation and by assignment", () => {
    expect(() => T.tensor([1, 2], { dtype: "int32", requiresGrad: true })).toThrow(
      /only float tensors can require gradients, got int32/,
    );
    const i = T.tensor([1, 2], { dtype: "int32" });
    expect(() => {
      i.requiresGrad = true;
    }).toThrow(/int32/);
  });

  it("a computed tensor cannot switch its gradient off (use detach)", () => {
    const y = T.exp(leaf(r.normal([2])));
    expect(() => {
      y.requiresGrad = false;
    }).toThrow(/use detach/);
    expect(y.isLeaf).toBe(false);
  });

  it("gradients flow only to inputs that require them", () => {
    const a = leaf(r.normal([2]));
    const b = r.normal([2]);
    T.sum(T.mul(a, b)).backward();
    assertAllClose(a.grad!, b);
    expect(b.grad).toBeNull();
  });

  it("no gradient flows through integer results (argmax, comparisons, astype to int32)", () => {
    const x = leaf(r.normal([4]));
    expect(T.argmax(x).requiresGrad).toBe(false);
    expect(T.gt(x, 0).requiresGrad).toBe(false);
    expect(T.astype(x, "int32").requiresGrad).toBe(false);
  });
});
