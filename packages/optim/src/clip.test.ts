import { add, narrow, tensor, transpose, zeros } from "@nablajs/tensor";
import { allClose, fromFixture, loadFixture } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { clipGradNorm, clipGradsWithNorm, clipGradValue, getTotalNorm } from "./clip.js";

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

describe("getTotalNorm then clipGradsWithNorm (torch 2.6's split of clip_grad_norm_)", () => {
  it.each(
    loadFixture("clip")
      .cases.filter((c: any) => c.clipValue === undefined)
      .map((c: any) => [c.name, c]),
  )("%s: the same total norm and clipped gradients as PyTorch", (_, c: any) => {
    const params = c.grads.map((g: any) => {
      const p = zeros(g.shape, { dtype: "float64" });
      p.grad = fromFixture(g);
      return p;
    });
    const normType = c.normType === "inf" ? Infinity : c.normType;
    const total = getTotalNorm(
      params.map((p: any) => p.grad),
      normType,
    );
    expect(total).toBeCloseTo(c.totalNorm, 13);
    clipGradsWithNorm(params, c.maxNorm, total);
    params.forEach((p: any, i: number) => {
      const r = allClose(p.grad, fromFixture(c.clipped[i]), { rtol: 1e-13, atol: 1e-15 });
      expect(r.pass, `parameter ${i}: ${r.message}`).toBe(true);
    });
  });

  it("never scales up, and refuses bad input by name", () => {
    const a = zeros([2], { dtype: "float64" });
    a.grad = tensor([3, 4], { dtype: "float64" });
    clipGradsWithNorm([a], 10, 5);
    expect(a.grad.toArray()).toEqual([3, 4]);
    expect(() => clipGradsWithNorm([a], 1, -1)).toThrow(/clipGradsWithNorm: totalNorm/);
    clipGradsWithNorm([a], 1, Number.NaN); // a NaN norm leaves the gradients, as clipGradNorm does
    expect(a.grad.toArray()).toEqual([3, 4]);
    const n = zeros([2], { dtype: "float64" });
    n.grad = tensor([Number.NaN, 1], { dtype: "float64" });
    expect(clipGradNorm([n], 1)).toBeNaN();
    expect(n.grad.toArray()).toEqual([Number.NaN, 1]);
    expect(() => getTotalNorm([a.grad!], 0)).toThrow(/getTotalNorm: normType/);
    expect(() => getTotalNorm([1 as any])).toThrow(/getTotalNorm: tensor 0 is not a Tensor/);
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

  it.each([
    ["backward()", {}],
    ["backward({ createGraph: true })", { createGraph: true }],
  ])("scales each gradient of %s once and leaves gradOutput alone", (_, opts) => {
    const x = zeros([2], { dtype: "float64", requiresGrad: true });
    const w = zeros([2], { dtype: "float64", requiresGrad: true });
    const v = tensor([3, 4], { dtype: "float64" });
    add(x, w).backward(v, opts); // d(x + w) hands v itself to both
    expect(x.grad).not.toBe(w.grad);
    expect(clipGradNorm([x, w], 1)).toBeCloseTo(5 * Math.SQRT2, 14);
    const c = 1 / (5 * Math.SQRT2 + 1e-6);
    for (const p of [x, w]) expect(allClose(p.grad!, [3 * c, 4 * c], { rtol: 1e-15 }).pass).toBe(true);
    expect(v.toArray()).toEqual([3, 4]);
  });

  it("a gradient buffer shared by two parameters, or overlapping views of one, is scaled once per parameter", () => {
    const g = tensor([3, 4, 0], { dtype: "float64" });
    const a = zeros([3], { dtype: "float64" });
    const b = zeros([3], { dtype: "float64" });
    const d = zeros([2], { dtype: "float64" });
    a.grad = g;
    b.grad = g;
    d.grad = narrow(g, 0, 1, 2); // [4, 0], overlapping g
    const total = Math.sqrt(25 + 25 + 16);
    expect(clipGradNorm([a, b, d], 1)).toBeCloseTo(total, 14);
    const c = 1 / (total + 1e-6);
    for (const p of [a, b]) expect(allClose(p.grad!, [3 * c, 4 * c, 0], { rtol: 1e-15 }).pass).toBe(true);
    expect(allClose(d.grad!, [4 * c, 0], { rtol: 1e-15 }).pass).toBe(true);
    // disjoint views of one buffer are still scaled in place
    const h = tensor([6, 8], { dtype: "float64" });
    const e = zeros([1], { dtype: "float64" });
    const f = zeros([1], { dtype: "float64" });
    e.grad = narrow(h, 0, 0, 1);
    f.grad = narrow(h, 0, 1, 1);
    clipGradNorm([e, f], 5);
    expect(h.data[0]).toBeCloseTo(6 * (5 / (10 + 1e-6)), 14);
    expect(e.grad.data).toBe(h.data);
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
