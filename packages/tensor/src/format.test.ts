import { describe, expect, it, vi } from "vitest";
import * as T from "./node.js";

describe("toString / formatTensor", () => {
  it("prints scalars, vectors and integer-valued floats like NumPy/PyTorch", () => {
    expect(String(T.tensor(3.5))).toBe("tensor(3.5000)");
    expect(String(T.tensor([1, 2, 3]))).toBe("tensor([1., 2., 3.])");
    expect(String(T.tensor([1.5, 2.25, -3]))).toBe("tensor([ 1.5000,  2.2500, -3.0000])");
    expect(T.formatTensor(T.tensor([0.1]))).toBe("tensor([0.1000])");
    expect(`${T.tensor([])}`).toBe("tensor([])");
  });

  it("aligns the rows of a matrix under the first bracket and separates blocks by a blank line", () => {
    expect(
      String(
        T.tensor([
          [1, 2],
          [3, 4],
        ]),
      ),
    ).toBe("tensor([[1., 2.],\n        [3., 4.]])");
    expect(
      String(
        T.tensor([
          [1.5, -2],
          [3, 4],
        ]),
      ),
    ).toBe("tensor([[ 1.5000, -2.0000],\n        [ 3.0000,  4.0000]])");
    expect(String(T.reshape(T.arange(8), [2, 2, 2]))).toBe(
      "tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])",
    );
    for (const s of [String(T.ones([2, 3, 2])), String(T.ones([3, 2]))]) {
      const lines = s.split("\n").filter((l) => l.trim().length > 0);
      const col = (l: string) => l.lastIndexOf("[");
      expect(new Set(lines.map(col)).size, s).toBe(1); // every innermost row starts in one column
    }
  });

  it("names non-default dtypes, prints int32 without decimals", () => {
    expect(
      String(
        T.tensor(
          [
            [1, 2],
            [3, 4],
          ],
          { dtype: "int32" },
        ),
      ),
    ).toBe("tensor([[1, 2],\n        [3, 4]], dtype=int32)");
    expect(String(T.tensor([0.5], { dtype: "float64" }))).toBe("tensor([0.5000], dtype=float64)");
    expect(String(T.tensor([-1, 10], { dtype: "int32" }))).toBe("tensor([-1, 10], dtype=int32)");
  });

  it("switches to scientific notation for large, tiny or widely spread values, never hiding a non-zero", () => {
    expect(String(T.tensor([1e10, 1]))).toBe("tensor([1.0000e+10, 1.0000e+00])");
    expect(String(T.tensor([1e-5, 1]))).toBe("tensor([1.0000e-05, 1.0000e+00])");
    expect(String(T.tensor([0.001, 2.5]))).toBe("tensor([1.0000e-03, 2.5000e+00])");
    expect(String(T.tensor([0, 0.5]))).toBe("tensor([0.0000, 0.5000])");
    expect(String(T.tensor([-2e-7], { dtype: "float64" }))).toBe("tensor([-2.0000e-07], dtype=float64)");
  });

  it("prints nan and inf", () => {
    expect(String(T.tensor([1, Number.NaN, -Infinity]))).toBe("tensor([  1.,  nan, -inf])");
    expect(String(T.tensor([Infinity]))).toBe("tensor([inf])");
  });

  it("prints views in logical order", () => {
    const x = T.reshape(T.arange(6), [2, 3]);
    expect(String(T.transpose(x))).toBe("tensor([[0., 3.],\n        [1., 4.],\n        [2., 5.]])");
    expect(String(T.narrow(x, 1, 1, 1))).toBe("tensor([[1.],\n        [4.]])");
    expect(String(T.expand(T.tensor(2), [3]))).toBe("tensor([2., 2., 2.])");
  });

  it("summarises tensors of more than 1000 elements with ... (first and last 3 of each axis)", () => {
    expect(String(T.arange(1000))).not.toContain("...");
    const s = String(T.arange(1001));
    expect(s).toMatch(/^tensor\(\[ +0\., +1\., +2\., \.\.\., +998\., +999\., 1000\.\]\)$/);
    const m = String(T.reshape(T.arange(2000), [100, 20]));
    const lines = m.split("\n");
    expect(lines).toHaveLength(7);
    expect(lines[3]!.trim()).toBe("...,");
    expect(lines[0]).toMatch(/^tensor\(\[\[ +0\., +1\., +2\., \.\.\., +17\., +18\., +19\.\],$/);
    expect(lines[6]).toMatch(/\[1980\., 1981\., 1982\., \.\.\., 1997\., 1998\., 1999\.\]\]\)$/);
    expect(String(T.zeros([1, 2000])).split("\n")).toHaveLength(1);
  });

  it("a summary reads and formats only the elements it shows, and takes its number format from them, as NumPy", () => {
    // np.ones(2001) with a[1000] = 1e10 prints [1. 1. 1. ... 1. 1. 1.]: the hidden 1e10 does not force e-notation
    const d = new Float32Array(2001).fill(1);
    d[1000] = 1e10;
    expect(String(T.tensor(d))).toBe("tensor([1., 1., 1., ..., 1., 1., 1.])");
    const big = T.transpose(T.reshape(T.add(T.div(T.arange(60000), 60000), 0.5), [200, 300]));
    const toFixed = vi.spyOn(Number.prototype, "toFixed");
    try {
      const lines = String(big).split("\n");
      expect(toFixed.mock.calls.length).toBe(36); // 6 x 6 shown, not 60,000
      expect(lines[0]).toBe("tensor([[0.5000, 0.5050, 0.5100, ..., 1.4850, 1.4900, 1.4950],");
      expect(lines[6]).toBe("        [0.5050, 0.5100, 0.5150, ..., 1.4900, 1.4950, 1.5000]])");
    } finally {
      toFixed.mockRestore();
    }
  });

  it("shows requiresGrad on leaves and the op that made a recorded tensor", () => {
    const w = T.tensor([1, 2], { requiresGrad: true });
    expect(String(w)).toBe("tensor([1., 2.], requiresGrad=true)");
    expect(String(T.mul(w, 2))).toBe("tensor([2., 4.], gradFn=mul)");
    expect(String(T.detach(T.mul(w, 2)))).toBe("tensor([2., 4.])");
  });
});
