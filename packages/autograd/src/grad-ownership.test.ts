import type { Tensor } from "@nablajs/tensor";
import * as T from "@nablajs/tensor";
import { assertAllClose } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { gradients } from "./index.js";
import { inputs } from "./test-helpers.js";

// `.grad` is written in place by optimizers and clipping, so no two may share storage, and none
// may share it with the caller's gradOutput, in every mode of backward.

const r = inputs(303);
const leaf = (x: Tensor): Tensor => {
  x.requiresGrad = true;
  return x;
};

describe.each([
  ["backward()", {}],
  ["backward({ createGraph: true })", { createGraph: true }],
  ["backward({ retainGraph: true })", { retainGraph: true }],
])("%s: each .grad owns its storage", (_, opts) => {
  it("d(a + b) hands gradOutput itself to both inputs: each .grad is a copy", () => {
    const a = leaf(r.normal([3]));
    const b = leaf(r.normal([3]));
    const v = r.normal([3]);
    const saved = v.toArray();
    T.add(a, b).backward(v, opts);
    expect(a.grad).not.toBe(b.grad);
    expect(a.grad!.data.buffer).not.toBe(b.grad!.data.buffer);
    expect(a.grad!.data.buffer).not.toBe(v.data.buffer);
    expect(b.grad!.data.buffer).not.toBe(v.data.buffer);
    a.grad!.data[0] = 100; // an in-place update of one gradient touches nothing else
    expect(b.grad!.toArray()).toEqual(saved);
    expect(v.toArray()).toEqual(saved);
  });

  it("the output is a leaf: its .grad is not gradOutput", () => {
    const c = leaf(r.normal([2]));
    const v = r.normal([2]);
    c.backward(v, opts);
    expect(c.grad).not.toBe(v);
    expect(c.grad!.data.buffer).not.toBe(v.data.buffer);
    assertAllClose(c.grad!, v);
  });

  it("a retained intermediate and a leaf reached by the same gradient do not share it", () => {
    const x = leaf(r.normal([2]));
    const h = T.mul(x, 1).retainGrad();
    const w = leaf(r.normal([2]));
    const v = r.normal([2]);
    T.add(h, w).backward(v, opts);
    expect(h.grad!.data.buffer).not.toBe(w.grad!.data.buffer);
    expect(h.grad!.data.buffer).not.toBe(v.data.buffer);
    expect(w.grad!.data.buffer).not.toBe(v.data.buffer);
  });
});

describe("createGraph: the copies stay differentiable", () => {
  it("d(a + b) with a gradOutput that depends on c: sum(a.grad) differentiates to 2 for c", () => {
    const a = leaf(r.normal([3]));
    const b = leaf(r.normal([3]));
    const c = leaf(r.normal([3]));
    const v = T.mul(c, 2); // requires a gradient
    T.add(a, b).backward(v, { createGraph: true });
    expect(a.grad!.requiresGrad).toBe(true);
    expect(a.grad!.data.buffer).not.toBe(v.data.buffer);
    expect(b.grad!.data.buffer).not.toBe(a.grad!.data.buffer);
    T.sum(T.add(a.grad!, T.mul(b.grad!, 3))).backward();
    assertAllClose(c.grad!, T.full([3], 8, { dtype: "float64" })); // d/dc (2c + 3 * 2c) = 8
  });

  it("editing a .grad in place leaves the recorded backward graph alone", () => {
    const a = leaf(r.normal([3]));
    const b = leaf(r.normal([3]));
    const c = r.normal([3]);
    // d/da = c, and the same tensor c * 1 feeds d/db = 2 b (c * 1), which the graph records
    T.sum(T.mul(T.add(a, T.square(b)), c)).backward(undefined, { createGraph: true });
    a.grad!.data.fill(100); // an in-place optimizer step or clipping
    const [gb] = gradients([T.sum(b.grad!)], [b], [T.ones([], { dtype: "float64" })]);
    assertAllClose(gb!, T.mul(c, 2)); // d/db sum(2 b c) = 2 c
  });
});
