import { tensor, transpose, zeros } from "@nablajs/tensor";
import { allClose, fromFixture, loadFixture } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { clipGradNorm, clipGradValue } from "./clip.js";

describe("clip.json against PyTorch", () => {
  it.each(loadFixture("clip").cases.map((c: any) => [c.name, c]))("%s", (_, c: any) => {
    const params = c.grads.map((g: any) => {
      const p = zeros(g.shape, { dtype: "float64" });
      p.grad = fromFixture(g);
      return p;
    });
    if (c.clipValue !== undefined) clipGradValue(params, c.clipValue);
    else {
      const normType = c.normType === "inf" ? Infinity : c.normType;
      expect(clipGradNorm(params, c.maxNorm, normType)).toBeCloseTo(c.totalNorm, 13);
    }
    params.forEach((p: any, i: number) => {
      const r = allClose(p.grad, fromFixture(c.clipped[i]), { rtol: 1e-13, atol: 1e-15 });
      expect(r.pass, `parameter ${i}: ${r.message}`).toBe(true);
    });
  });
});

describe("clipGradNorm", () => {
  it("leaves gradients below maxNorm untouched and skips parameters without one", () => {
    const a = zeros([2], { dtype: "float64" });
    a.grad = tensor([3, 4], { dtype: "float64" });
    const b = zeros([2], { dtype: "float64" });
    expect(clipGradNorm([a, b], 10)).toBe(5);
    expect(a.grad.toArray()).toEqual([3, 4]);
    expect(clipGradNorm([b], 1)).toBe(0);
  });

  it("scales by maxNorm / (norm + 1e-6), for p-norms too, and handles non-contiguous gradients", () => {
    const a = zeros([2, 2], { dtype: "float64" });
    a.grad = transpose(
      tensor(
        [
          [1, 2],
          [3, 4],
        ],
        { dtype: "float64" },
      ),
    );
    const total = clipGradNorm(a, 2, 1);
    expect(total).toBe(10);
    const c = 2 / (10 + 1e-6);
    expect(
      allClose(
        a.grad,
        [
          [c, 3 * c],
          [2 * c, 4 * c],
        ],
        { rtol: 1e-15 },
      ).pass,
    ).toBe(true);
    const b = zeros([3], { dtype: "float64" });
    b.grad = tensor([1, -2, 2], { dtype: "float64" });
    expect(clipGradNorm(b, 1, 3)).toBeCloseTo(17 ** (1 / 3), 14);
  });

  it("rejects bad arguments", () => {
    const a = zeros([2]);
    expect(() => clipGradNorm([a], -1)).toThrow(
      "clipGradNorm: maxNorm must be a non-negative number, got -1",
    );
    expect(() => clipGradNorm([a], 1, 0)).toThrow(
      "clipGradNorm: normType must be a positive number or Infinity, got 0",
    );
    expect(() => clipGradNorm([1 as any], 1)).toThrow("clipGradNorm: parameter 0 is not a Tensor");
    expect(() => clipGradValue([a], Number.NaN)).toThrow(
      "clipGradValue: clipValue must be a non-negative number, got NaN",
    );
  });
});
