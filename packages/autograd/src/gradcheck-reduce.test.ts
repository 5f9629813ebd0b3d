import type { Tensor } from "@nablajs/tensor";
import * as T from "@nablajs/tensor";
import { describe, expect, it } from "vitest";
import { checkBoth, inputs } from "./test-helpers.js";

type Case = [name: string, f: (x: Tensor) => Tensor, make: () => Tensor];

const r = inputs(23);

/** Inputs of several layouts for an op reducing over axes of a rank-2 (or rank-0) tensor. */
function layouts(): [string, () => Tensor][] {
  return [
    ["[]", () => r.normal([])],
    ["[1,4]", () => r.normal([1, 4])],
    ["[3,4]", () => r.normal([3, 4])],
    ["transposed [3,4]", () => r.transposed(3, 4)],
    ["narrowed [3,4]", () => r.narrowed(3, 4)],
  ];
}

const reductions: [string, (x: Tensor) => Tensor, boolean][] = [
  // name, f, whether it applies to a rank-0 input
  ["sum()", (x) => T.sum(x), true],
  ["sum(1)", (x) => T.sum(x, 1), false],
  ["sum(0, keepdims)", (x) => T.sum(x, 0, true), false],
  ["sum([0,1])", (x) => T.sum(x, [0, 1]), false],
  ["sum(-1)", (x) => T.sum(x, -1), false],
  ["mean()", (x) => T.mean(x), true],
  ["mean(0)", (x) => T.mean(x, 0), false],
  ["mean(1, keepdims)", (x) => T.mean(x, 1, true), false],
  ["max()", (x) => T.max(x), true],
  ["max(1)", (x) => T.max(x, 1), false],
  ["max(0, keepdims)", (x) => T.max(x, 0, true), false],
  ["min()", (x) => T.min(x), true],
  ["min(1)", (x) => T.min(x, 1), false],
  ["logsumexp()", (x) => T.logsumexp(x), true],
  ["logsumexp(1)", (x) => T.logsumexp(x, 1), false],
  ["logsumexp(0, keepdims)", (x) => T.logsumexp(x, 0, true), false],
  ["variance()", (x) => T.variance(x), false],
  ["variance(1)", (x) => T.variance(x, 1), false],
  ["variance(0, keepdims, correction 0)", (x) => T.variance(x, 0, true, 0), false],
  ["softmax(-1)", (x) => T.softmax(x), false],
  ["softmax(0)", (x) => T.softmax(x, 0), false],
  ["logSoftmax(-1)", (x) => T.logSoftmax(x), false],
  ["logSoftmax(0)", (x) => T.logSoftmax(x, 0), false],
];

// Seeded normal data has no ties, so max and min are differentiable at these points.
describe("gradcheck and gradgradcheck: reductions", () => {
  const cases: Case[] = reductions.flatMap(([name, f, scalarOk]) =>
    layouts()
      .filter(([l]) => scalarOk || l !== "[]")
      .map(([l, mk]): Case => [`${name} ${l}`, f, mk]),
  );
  it.each(cases)("%s", (_, f, make) => {
    expect(checkBoth(f, [make()])).toBe(true);
  });

  it("reductions of a rank-3 tensor over the middle axis", () => {
    const x = r.normal([2, 3, 2]);
    for (const f of [
      (t: Tensor) => T.sum(t, 1),
      (t: Tensor) => T.max(t, 1),
      (t: Tensor) => T.logsumexp(t, [0, 2]),
      (t: Tensor) => T.softmax(t, 1),
      (t: Tensor) => T.variance(t, 1),
    ]) {
      expect(checkBoth(f, [x])).toBe(true);
    }
  });

  it("softmax and logSoftmax of large logits keep exact gradients", () => {
    const x = r.normal([2, 3]).mul(3).add(500);
    expect(checkBoth((t) => T.softmax(t), [x])).toBe(true);
    expect(checkBoth((t) => T.logSoftmax(t), [x])).toBe(true);
  });

  it("a tie in max shares the gradient evenly, as PyTorch does", () => {
    const x = T.tensor([1, 3, 3, 2], { dtype: "float64", requiresGrad: true });
    T.max(x).backward();
    expect(x.grad?.toArray()).toEqual([0, 0.5, 0.5, 0]);
  });
});
