import { gradcheck, gradgradcheck } from "@nablajs/autograd";
import { Generator, ones, randn, type Tensor, tensor } from "@nablajs/tensor";
import { assertAllClose } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { LayerNorm, layerNorm } from "./layer-norm.js";

const f64 = (shape: number[], seed: number) =>
  randn(shape, { dtype: "float64", generator: new Generator(seed) });

/** Row by row over groups of `n` trailing elements: (x - mean) / sqrt(biased var + eps) * w + b. */
function reference(x: Tensor, n: number, w: Tensor | null, b: Tensor | null, eps: number): number[] {
  const xs = x.toTypedArray();
  const ws = w?.toTypedArray();
  const bs = b?.toTypedArray();
  const out: number[] = [];
  for (let r = 0; r < xs.length; r += n) {
    const row = Array.from(xs.subarray(r, r + n));
    const mean = row.reduce((s, v) => s + v, 0) / n;
    const v = row.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
    row.forEach((x, i) => {
      out.push(((x - mean) / Math.sqrt(v + eps)) * (ws ? ws[i]! : 1) + (bs ? bs[i]! : 0));
    });
  }
  return out;
}

describe("LayerNorm forward", () => {
  it("normalises the last axis with the biased variance, then scales and shifts", () => {
    const x = f64([3, 5], 1).mul(4).add(2);
    const [w, b] = [f64([5], 2), f64([5], 3)];
    assertAllClose(layerNorm(x, 5, w, b).toTypedArray(), reference(x, 5, w, b, 1e-5), { rtol: 1e-12 });
  });

  it("normalises several trailing axes together", () => {
    const x = f64([2, 3, 4], 4);
    const ln = new LayerNorm([3, 4], { dtype: "float64", eps: 1e-3 });
    const sd = { weight: f64([3, 4], 5), bias: f64([3, 4], 6) };
    ln.loadStateDict(sd);
    const y = ln.forward(x);
    expect(y.shape).toEqual([2, 3, 4]);
    assertAllClose(y.toTypedArray(), reference(x, 12, sd.weight, sd.bias, 1e-3), { rtol: 1e-12 });
  });

  it("starts as plain normalisation: weight ones, bias zeros; options drop them", () => {
    const ln = new LayerNorm(4);
    expect(ln.weight!.toArray()).toEqual([1, 1, 1, 1]);
    expect(ln.bias!.toArray()).toEqual([0, 0, 0, 0]);
    const x = tensor([[1, 2, 3, 4]]);
    assertAllClose(ln.forward(x).toTypedArray(), reference(x, 4, null, null, 1e-5), { rtol: 1e-5 });
    const plain = new LayerNorm(4, { elementwiseAffine: false });
    expect(plain.parameters()).toHaveLength(0);
    assertAllClose(plain.forward(x), ln.forward(x));
    const noBias = new LayerNorm(4, { bias: false });
    expect(noBias.namedParameters().map(([n]) => n)).toEqual(["weight"]);
    expect(new LayerNorm(4, { dtype: "float64" }).weight!.dtype).toBe("float64");
  });

  it("maps a constant row to the bias (no division by zero)", () => {
    const y = layerNorm(ones([2, 3]), [3], null, tensor([1, 2, 3]));
    expect(y.toArray()).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
  });
});

describe("LayerNorm gradients", () => {
  it("passes gradcheck in x, weight and bias (float64)", () => {
    const f = (x: Tensor, w: Tensor, b: Tensor) => layerNorm(x, [4], w, b);
    expect(gradcheck(f, [f64([3, 4], 1), f64([4], 2), f64([4], 3)])).toBe(true);
    const g = (x: Tensor, w: Tensor) => layerNorm(x, [2, 3], w, null, 0.1);
    expect(gradcheck(g, [f64([2, 2, 3], 4), f64([2, 3], 5)])).toBe(true);
  });

  it("passes gradgradcheck", () => {
    const f = (x: Tensor, w: Tensor) => layerNorm(x, [3], w);
    expect(gradgradcheck(f, [f64([2, 3], 6), f64([3], 7)])).toBe(true);
  });
});

describe("LayerNorm errors", () => {
  it("rejects bad shapes, eps and inputs", () => {
    expect(() => new LayerNorm([])).toThrow(/LayerNorm: normalizedShape must have at least one axis/);
    expect(() => new LayerNorm(0)).toThrow(
      /LayerNorm: each axis of normalizedShape must be a positive integer, got 0/,
    );
    expect(() => new LayerNorm("4" as any)).toThrow(
      /LayerNorm: normalizedShape must be a number or an array/,
    );
    expect(() => new LayerNorm(4, { eps: -1 })).toThrow(
      /LayerNorm: eps must be a finite number >= 0, got -1/,
    );
    expect(() => new LayerNorm(4, { dtype: "int32" })).toThrow(/LayerNorm: dtype must be float32 or float64/);
    const ln = new LayerNorm([2, 3]);
    expect(() => ln.forward(ones([3, 2]))).toThrow(
      /layerNorm: input \[3,2\] must end in normalizedShape \[2,3\]/,
    );
    expect(() => ln.forward(ones([3]))).toThrow(/must end in normalizedShape/);
    expect(() => layerNorm(ones([2, 3]), 3, ones([2]))).toThrow(
      /layerNorm: weight must have shape \[3\], got \[2\]/,
    );
    expect(() => layerNorm(ones([2, 3]), 3, null, ones([4]))).toThrow(
      /layerNorm: bias must have shape \[3\]/,
    );
    expect(() => layerNorm([1] as any, 3)).toThrow(/layerNorm: expected a Tensor/);
    expect(() => layerNorm(ones([3]), 3, null, null, Number.NaN)).toThrow(/layerNorm: eps must be/);
    expect(new LayerNorm([2, 3]).toString()).toBe(
      "LayerNorm([2,3], eps=0.00001, elementwiseAffine=true)  # 12 parameters",
    );
  });
});
