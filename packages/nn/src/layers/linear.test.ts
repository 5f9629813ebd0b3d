import { gradcheck, gradgradcheck } from "@nablajs/autograd";
import { Generator, mul, ones, randn, type Tensor, tensor, zeros } from "@nablajs/tensor";
import { assertAllClose } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { Linear, linear } from "./linear.js";

const f64 = (shape: number[], seed: number) =>
  randn(shape, { dtype: "float64", generator: new Generator(seed) });

/** y[n, o] = sum_k x[n, k] w[o, k] + b[o], by loops over flat rows of x [N, in]. */
function reference(x: Tensor, w: Tensor, b: Tensor | null): number[] {
  const xs = x.toTypedArray();
  const ws = w.toTypedArray();
  const bs = b?.toTypedArray();
  const [out, inF] = w.shape as [number, number];
  const rows = xs.length / inF;
  const y: number[] = [];
  for (let n = 0; n < rows; n++)
    for (let o = 0; o < out; o++) {
      let s = bs ? bs[o]! : 0;
      for (let k = 0; k < inF; k++) s += xs[n * inF + k]! * ws[o * inF + k]!;
      y.push(s);
    }
  return y;
}

describe("Linear forward", () => {
  it("computes x W^T + b on the last axis of inputs of rank 1, 2 and 3", () => {
    const lin = new Linear(4, 5, { dtype: "float64", generator: new Generator(1) });
    for (const shape of [[4], [3, 4], [2, 3, 4]]) {
      const x = f64(shape, shape.length);
      const y = lin.forward(x);
      expect(y.shape).toEqual([...shape.slice(0, -1), 5]);
      assertAllClose(y.toTypedArray(), reference(x, lin.weight, lin.bias), { rtol: 1e-12, atol: 1e-14 });
    }
  });

  it("accepts non-contiguous inputs and leading axes of size 0", () => {
    const lin = new Linear(4, 2, { dtype: "float64" });
    const x = f64([4, 3], 2).transpose(); // [3, 4], strided
    assertAllClose(lin.forward(x).toTypedArray(), reference(x.contiguous(), lin.weight, lin.bias), {
      rtol: 1e-12,
    });
    expect(lin.forward(zeros([0, 4], { dtype: "float64" })).shape).toEqual([0, 2]);
  });

  it("without bias registers only the weight", () => {
    const lin = new Linear(3, 2, { bias: false });
    expect(lin.bias).toBeNull();
    expect(lin.namedParameters().map(([n]) => n)).toEqual(["weight"]);
    const x = tensor([[1, 2, 3]]);
    assertAllClose(lin.forward(x).toTypedArray(), reference(x, lin.weight, null), { rtol: 1e-6 });
  });
});

describe("Linear initialisation", () => {
  it("draws weight and bias from U(-1/sqrt(in), 1/sqrt(in)) as PyTorch, float32 by default", () => {
    const lin = new Linear(300, 200, { generator: new Generator(0) });
    expect(lin.weight.shape).toEqual([200, 300]);
    expect(lin.weight.dtype).toBe("float32");
    const bound = 1 / Math.sqrt(300);
    const w = Array.from(lin.weight.toTypedArray());
    expect(Math.max(...w)).toBeLessThanOrEqual(bound);
    expect(Math.min(...w)).toBeGreaterThanOrEqual(-bound);
    expect(Math.max(...w)).toBeGreaterThan(0.99 * bound);
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(Math.abs(std / (bound / Math.sqrt(3)) - 1)).toBeLessThan(0.03);
    const b = lin.bias!.toTypedArray();
    expect(b.every((v) => Math.abs(v) <= bound)).toBe(true);
    expect(new Set(b).size).toBe(200);
  });

  it("is reproducible with the same generator seed", () => {
    const a = new Linear(5, 3, { generator: new Generator(4) });
    const b = new Linear(5, 3, { generator: new Generator(4) });
    expect(a.weight.toArray()).toEqual(b.weight.toArray());
    expect(a.bias!.toArray()).toEqual(b.bias!.toArray());
  });
});

describe("Linear gradients", () => {
  it("passes gradcheck in x, W and b (float64), and gradgradcheck", () => {
    const f = (x: Tensor, w: Tensor, b: Tensor) => linear(x, w, b);
    expect(gradcheck(f, [f64([2, 3, 4], 1), f64([5, 4], 2), f64([5], 3)])).toBe(true);
    expect(gradgradcheck(f, [f64([3, 4], 4), f64([2, 4], 5), f64([2], 6)])).toBe(true);
  });

  it("accumulates dW = g^T x and db = sum g into the module's parameters", () => {
    const lin = new Linear(3, 2, { dtype: "float64", generator: new Generator(2) });
    const x = f64([2, 2, 3], 7);
    const c = f64([2, 2, 2], 8);
    mul(lin.forward(x), c).sum().backward();
    const xs = x.toTypedArray();
    const cs = c.toTypedArray();
    const dw = [0, 0, 0, 0, 0, 0];
    const db = [0, 0];
    for (let n = 0; n < 4; n++)
      for (let o = 0; o < 2; o++) {
        db[o]! += cs[n * 2 + o]!;
        for (let k = 0; k < 3; k++) dw[o * 3 + k]! += cs[n * 2 + o]! * xs[n * 3 + k]!;
      }
    assertAllClose(lin.weight.grad!.toTypedArray(), dw, { rtol: 1e-12 });
    assertAllClose(lin.bias!.grad!.toTypedArray(), db, { rtol: 1e-12 });
  });
});

describe("Linear errors", () => {
  it("rejects bad sizes, options and inputs", () => {
    expect(() => new Linear(-1, 2)).toThrow(/Linear: inFeatures must be a non-negative integer, got -1/);
    expect(() => new Linear(2, 1.5)).toThrow(/Linear: outFeatures must be a non-negative integer, got 1.5/);
    expect(() => new Linear(2, 2, { dtype: "int32" })).toThrow(
      /Linear: dtype must be float32 or float64, got "int32"/,
    );
    expect(() => new Linear(2, 2, { bias: 1 as any })).toThrow(/Linear: bias must be a boolean/);
    const lin = new Linear(3, 2);
    expect(() => lin.forward(ones([2, 4]))).toThrow(/linear: input \[2,4\] must end in inFeatures = 3/);
    expect(() => lin.forward(tensor(1))).toThrow(/linear: input \[\] must end in inFeatures = 3/);
    expect(() => lin.forward(ones([3], { dtype: "float64" }))).toThrow(
      /linear: input is float64 but the weight is float32/,
    );
    expect(() => lin.forward([1, 2, 3] as any)).toThrow(/linear: expected tensors/);
    expect(() => linear(ones([3]), ones([3]))).toThrow(/linear: weight must be \[out, in\], got \[3\]/);
    expect(() => linear(ones([3]), ones([2, 3]), ones([3]))).toThrow(/linear: bias must be \[2\], got \[3\]/);
  });

  it("prints its settings", () => {
    expect(new Linear(3, 2, { bias: false }).toString()).toBe(
      "Linear(inFeatures=3, outFeatures=2, bias=false)  # 6 parameters",
    );
  });
});
