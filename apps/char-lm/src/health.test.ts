import { tensor } from "@nablajs/tensor";
import { describe, expect, it } from "vitest";
import { divergence, gradNorms } from "./health.js";

describe("gradient health", () => {
  it("gives each tensor's gradient norm and the global norm", () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([0, 0, 0], { requiresGrad: true });
    const c = tensor([5], { requiresGrad: true });
    a.grad = tensor([3, 4]);
    c.grad = tensor([-12]);
    const n = gradNorms([
      ["a", a],
      ["b", b],
      ["c", c],
    ]);
    expect(n.perParam).toEqual({ a: 5, b: 0, c: 12 });
    expect(n.total).toBe(13);
  });

  it("calls a run diverged on a non-finite loss or gradient, or a loss far above a uniform guess", () => {
    const fine = Array(10).fill(2);
    expect(divergence(2, 1, fine, 65)).toBeNull();
    expect(divergence(Number.NaN, 1, fine, 65)).toMatch(/loss is NaN/);
    expect(divergence(2, Number.POSITIVE_INFINITY, fine, 65)).toMatch(/gradient norm is Infinity/);
    const limit = 2 * Math.log(65) + 1;
    expect(divergence(limit + 1, 1, Array(10).fill(limit + 1), 65)).toMatch(
      /averages .* over the last 10 steps/,
    );
    expect(divergence(limit + 1, 1, Array(9).fill(limit + 1), 65)).toBeNull(); // one spike is not divergence
    expect(divergence(5e7, 1, [...Array(9).fill(3), 5e7], 65)).toMatch(/5\.00e\+6/);
  });
});
