import { describe, expect, it } from "vitest";
import { allClose, tolerances } from "../../../../tooling/testing/src/index.js";
import type { DType } from "../dtype.js";
import * as T from "../node.js";
import type { Tensor } from "../tensor.js";
import { layouts, vjpOf } from "../test-utils.js";

type UnaryName = "neg" | "exp" | "log" | "sin" | "cos" | "tanh" | "sigmoid" | "relu" | "sqrt" | "abs";
const reference: Record<UnaryName | "square" | "sign", (v: number) => number> = {
  neg: (v) => -v,
  exp: Math.exp,
  log: Math.log,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  relu: (v) => Math.max(v, 0),
  sqrt: Math.sqrt,
  abs: Math.abs,
  square: (v) => v * v,
  sign: Math.sign,
};
const positiveOnly = new Set(["log", "sqrt"]);
const shapes = [[], [1], [5], [1, 1, 1], [3, 4], [2, 3, 4], [0, 3], [2, 0]];

describe.each(["float32", "float64"] as const)("unary ops in %s", (dtype: DType) => {
  const g = new T.Generator(7);
  for (const [name, ref] of Object.entries(reference)) {
    it(`${name} matches Math on every layout and shape`, () => {
      for (const shape of shapes) {
        let x = T.randn(shape, { dtype, generator: g });
        if (positiveOnly.has(name)) x = T.add(T.abs(x), 0.1);
        const expected = Array.from(x.toTypedArray(), ref);
        for (const [layout, v] of layouts(x)) {
          const out = (T as any)[name](v) as Tensor;
          expect(out.shape, layout).toEqual(shape);
          expect(out.dtype).toBe(dtype);
          const r = allClose(out.toTypedArray(), expected, tolerances(dtype));
          expect(r.pass, `${name} ${layout} ${JSON.stringify(shape)}: ${r.message}`).toBe(true);
          expect(allClose((v as any)[name](), out).pass).toBe(true); // the method agrees
        }
      }
    });
  }

  it("works on expanded (stride 0) inputs", () => {
    const row = T.tensor([[-1, 0.5, 2]], { dtype });
    const x = T.expand(row, [4, 3]);
    expect(T.exp(x).toArray()).toEqual(Array(4).fill(T.exp(row).toArray()[0 as never]));
    const col = T.expand(T.tensor([[1], [4]], { dtype }), [2, 3]);
    expect(T.sqrt(col).toArray()).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ]);
  });

  it("hand-worked values", () => {
    const x = T.tensor([-2, -0, 0, 3], { dtype });
    expect(T.relu(x).toArray()).toEqual([0, 0, 0, 3]);
    expect(T.sign(x).toArray()).toEqual([-1, -0, 0, 1]);
    expect(T.abs(x).toArray()).toEqual([2, 0, 0, 3]);
    expect(T.square(x).toArray()).toEqual([4, 0, 0, 9]);
    expect(T.neg(T.tensor([1, -2], { dtype })).toArray()).toEqual([-1, 2]);
    expect(T.exp(T.tensor([0], { dtype })).item()).toBe(1);
    expect(T.log(T.tensor([1, 0], { dtype })).toArray()).toEqual([0, -Infinity]);
    expect(T.sqrt(T.tensor([4, -1], { dtype })).toArray()).toEqual([2, Number.NaN]);
    expect(T.sigmoid(T.tensor([0], { dtype })).item()).toBe(0.5);
    expect(T.sign(T.tensor([Number.NaN], { dtype })).item()).toBeNaN();
  });

  it("relu propagates NaN (torch.relu(nan) = nan), on every layout", () => {
    const x = T.tensor([[Number.NaN, -1, -0, 2]], { dtype });
    for (const [layout, v] of layouts(x))
      expect(T.relu(v).toArray(), layout).toEqual([[Number.NaN, 0, 0, 2]]);
  });

  it("relu's gradient is 0 where x <= 0 and passes g at NaN, as PyTorch's threshold_backward", () => {
    const x = T.tensor([Number.NaN, -1, 0, 2], { dtype, requiresGrad: true });
    const [dx] = vjpOf(T.relu(x), T.tensor([1, 2, 3, 4], { dtype }));
    expect(dx!.toArray()).toEqual([1, 0, 0, 4]);
  });

  it("sigmoid stays finite and accurate for large |x|", () => {
    const big = dtype === "float64" ? 700 : 80;
    const s = T.sigmoid(
      T.tensor([-1e4, -big, big, 1e4, Infinity, -Infinity], { dtype }),
    ).toArray() as number[];
    expect(s.every((v) => Number.isFinite(v))).toBe(true);
    expect(s[0]).toBe(0);
    expect(s[3]).toBe(1);
    expect(s[4]).toBe(1);
    expect(s[5]).toBe(0);
    // sigmoid(-x) = e^-x / (1 + e^-x) ~ e^-x: the tiny value keeps its digits, no 1 - 1 cancellation
    expect(Math.abs(s[1]! / Math.exp(-big) - 1)).toBeLessThan(dtype === "float64" ? 1e-12 : 1e-5);
    expect(s[2]).toBe(1);
  });
});

describe("unary ops on int32", () => {
  it("neg, relu, abs, square and sign keep int32", () => {
    const x = T.tensor([-3, 0, 2], { dtype: "int32" });
    for (const [op, want] of [
      ["neg", [3, -0, -2]],
      ["relu", [0, 0, 2]],
      ["abs", [3, 0, 2]],
      ["square", [9, 0, 4]],
      ["sign", [-1, 0, 1]],
    ] as const) {
      const out = (T as any)[op](x) as Tensor;
      expect(out.dtype).toBe("int32");
      expect(Array.from(out.toTypedArray())).toEqual(want.map((v) => v + 0));
    }
  });
  it("strided int32 views", () => {
    for (const [layout, v] of layouts(
      T.tensor(
        [
          [-1, 2, -3],
          [4, -5, 6],
        ],
        { dtype: "int32" },
      ),
    )) {
      expect(T.abs(v).toArray(), layout).toEqual([
        [1, 2, 3],
        [4, 5, 6],
      ]);
    }
  });
});
