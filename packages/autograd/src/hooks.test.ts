import type { Tensor } from "@nablajs/tensor";
import * as T from "@nablajs/tensor";
import { assertAllClose } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { grad, retainGrad } from "./index.js";
import { inputs } from "./test-helpers.js";

const r = inputs(202);
const leaf = (x: Tensor): Tensor => {
  x.requiresGrad = true;
  return x;
};

describe("registerHook", () => {
  it("sees the gradient flowing into a leaf", () => {
    const x = leaf(r.normal([3]));
    const seen: Tensor[] = [];
    x.registerHook((g) => {
      seen.push(g);
    });
    T.sum(T.exp(x)).backward();
    expect(seen).toHaveLength(1);
    assertAllClose(seen[0]!, T.exp(x));
    assertAllClose(x.grad!, T.exp(x));
  });

  it("can replace the gradient of a leaf", () => {
    const x = leaf(r.normal([3]));
    x.registerHook((g) => T.mul(g, 10));
    T.sum(T.sin(x)).backward();
    assertAllClose(x.grad!, T.mul(T.cos(x), 10));
  });

  it("on an intermediate, the replacement flows on to the leaves", () => {
    const x = leaf(r.normal([3]));
    const h = T.tanh(x);
    h.registerHook((g) => T.mul(g, 0)); // cut the path through h
    T.sum(T.add(h, T.mul(x, 2))).backward();
    assertAllClose(x.grad!, T.full([3], 2, { dtype: "float64" }));
  });

  it("runs once, on the summed gradient of a value used twice", () => {
    const x = leaf(r.normal([2]));
    const h = T.exp(x);
    const calls: Tensor[] = [];
    h.registerHook((g) => {
      calls.push(g);
    });
    T.sum(T.add(T.mul(h, 3), T.mul(h, 4))).backward();
    expect(calls).toHaveLength(1);
    assertAllClose(calls[0]!, T.full([2], 7, { dtype: "float64" }));
  });

  it("hooks run in registration order, each seeing the previous one's result", () => {
    const x = leaf(r.normal([2]));
    const order: string[] = [];
    x.registerHook((g) => {
      order.push("a");
      return T.add(g, 1);
    });
    x.registerHook((g) => {
      order.push("b");
      return T.mul(g, 2);
    });
    T.sum(x).backward();
    expect(order).toEqual(["a", "b"]);
    assertAllClose(x.grad!, T.full([2], 4, { dtype: "float64" }));
  });

  it("remove() stops the hook", () => {
    const x = leaf(r.normal([2]));
    let calls = 0;
    const handle = x.registerHook(() => {
      calls++;
    });
    T.sum(x).backward();
    handle.remove();
    T.sum(x).backward();
    expect(calls).toBe(1);
  });

  it("runs inside the functional transforms too", () => {
    let calls = 0;
    const f = (x: Tensor) => {
      const h = T.square(x);
      h.registerHook((g) => {
        calls++;
        return T.mul(g, 2);
      });
      return T.sum(h);
    };
    const x = r.normal([3]);
    assertAllClose(grad(f)(x) as Tensor, T.mul(x, 4));
    expect(calls).toBe(1);
  });

  it("errors: on a tensor that does not require a gradient; a hook returning the wrong shape", () => {
    expect(() => r.normal([2]).registerHook(() => undefined)).toThrow(/does not require a gradient/);
    const x = leaf(r.normal([2]));
    x.registerHook(() => T.zeros([3], { dtype: "float64" }));
    expect(() => T.sum(x).backward()).toThrow(
      /registerHook: a hook returned float64 \[3\] for a gradient of float64 \[2\]/,
    );
  });
});

describe("retainGrad", () => {
  it("keeps an intermediate's gradient in .grad, accumulating like a leaf", () => {
    const x = leaf(r.normal([3]));
    const h = T.sin(x);
    expect(h.retainGrad()).toBe(h);
    const y = T.sum(T.square(h));
    y.backward(undefined, { retainGraph: true });
    assertAllClose(h.grad!, T.mul(T.sin(x), 2)); // d sum(h^2) / dh = 2h
    y.backward();
    assertAllClose(h.grad!, T.mul(T.sin(x), 4));
    assertAllClose(x.grad!, T.mul(T.mul(T.sin(x), T.cos(x)), 4));
  });

  it("without it, an intermediate's .grad stays null", () => {
    const x = leaf(r.normal([3]));
    const h = T.sin(x);
    T.sum(h).backward();
    expect(h.grad).toBeNull();
  });

  it("keeps the gradient after the tensor's hooks", () => {
    const x = leaf(r.normal([2]));
    const h = retainGrad(T.exp(x));
    h.registerHook((g) => T.mul(g, 3));
    T.sum(h).backward();
    assertAllClose(h.grad!, T.full([2], 3, { dtype: "float64" }));
  });

  it("is a no-op on leaves, an error on tensors without gradient; transforms leave .grad alone", () => {
    const x = leaf(r.normal([2]));
    expect(retainGrad(x)).toBe(x);
    expect(() => r.normal([2]).retainGrad()).toThrow(/does not require a gradient/);
    const h = T.exp(x).retainGrad();
    grad((t: Tensor) => T.sum(T.mul(h, t)))(r.normal([2]));
    expect(h.grad).toBeNull();
  });
});
