import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allClose, tolerances } from "../../../../tooling/testing/src/index.js";
import type { DType } from "../dtype.js";
import * as T from "../node.js";
import type { Tensor } from "../tensor.js";
import { layouts, ravel, sizeOf, unravel } from "../test-utils.js";

const FC = { seed: 424242, numRuns: 100 };

type Op = "sum" | "mean" | "max" | "min" | "argmax" | "argmin" | "logsumexp" | "var";
const fold: Record<Op, (v: number[]) => number> = {
  sum: (v) => v.reduce((a, b) => a + b, 0),
  mean: (v) => v.reduce((a, b) => a + b, 0) / v.length,
  max: (v) => Math.max(...v),
  min: (v) => Math.min(...v),
  argmax: (v) => v.indexOf(Math.max(...v)),
  argmin: (v) => v.indexOf(Math.min(...v)),
  logsumexp: (v) => Math.log(v.reduce((a, b) => a + Math.exp(b), 0)),
  var: (v) => {
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    return v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1);
  },
};

/** Reduces by grouping every element under its kept index: the loop nobody can get wrong. */
function naiveReduce(x: Tensor, op: Op, axes: number[], keepdims: boolean) {
  const vals = x.toTypedArray();
  const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const groups: number[][] = Array.from({ length: sizeOf(keptShape) }, () => []);
  for (let i = 0; i < x.size; i++) {
    const idx = unravel(i, x.shape).map((v, d) => (axes.includes(d) ? 0 : v));
    groups[ravel(idx, keptShape)]!.push(vals[i]!); // reduced axes visited in row-major order
  }
  const shape = keepdims ? keptShape : x.shape.filter((_, i) => !axes.includes(i));
  return { shape, data: groups.map(fold[op]) };
}

function subsets(n: number): number[][] {
  return Array.from({ length: 2 ** n }, (_, m) => [...Array(n).keys()].filter((i) => m & (1 << i)));
}

const ops: Op[] = ["sum", "mean", "max", "min", "logsumexp", "var"];

describe.each(["float32", "float64"] as const)("reductions in %s", (dtype: DType) => {
  const tol = tolerances(dtype);
  const g = new T.Generator(11);

  for (const op of ops) {
    it(`${op} over every axis combination, keepdims or not, on every layout`, () => {
      for (const shape of [[2, 3, 4], [2, 1, 3], [4], []]) {
        const x = T.randn(shape, { dtype, generator: g });
        for (const axes of subsets(shape.length)) {
          if (op === "var" && axes.every((a) => shape[a] === 1)) continue; // n - 1 = 0
          for (const keepdims of [false, true]) {
            const want = naiveReduce(x, op, axes, keepdims);
            for (const [layout, v] of layouts(x)) {
              const out = (T as any)[op](v, axes, keepdims) as Tensor;
              const label = `${op} ${layout} ${JSON.stringify(shape)} axes ${JSON.stringify(axes)} keepdims ${keepdims}`;
              expect(out.shape, label).toEqual(want.shape);
              const r = allClose(out.toTypedArray(), want.data, tol);
              expect(r.pass, `${label}: ${r.message}`).toBe(true);
            }
          }
        }
      }
    });
  }

  it("axis as a number, a negative number, an array of negatives, or omitted", () => {
    const x = T.randn([2, 3, 4], { dtype, generator: g });
    const close = (a: Tensor, b: Tensor) => expect(allClose(a, b, tol).pass).toBe(true);
    close(T.sum(x, -1), T.sum(x, 2));
    close(T.sum(x, [-1, -3]), T.sum(x, [0, 2]));
    close(T.max(x, [2, 0], true), T.max(x, [0, 2], true));
    const all = T.sum(x);
    expect(all.shape).toEqual([]);
    close(all, T.sum(x, [0, 1, 2]));
    expect(T.mean(x, undefined, true).shape).toEqual([1, 1, 1]);
    close(x.sum(1, true), T.sum(x, 1, true)); // the method
  });

  it("expanded (stride 0) inputs", () => {
    const x = T.expand(T.tensor([[1, -2, 3]], { dtype }), [4, 3]);
    expect(T.sum(x, 0).toArray()).toEqual([4, -8, 12]);
    expect(T.sum(x, 1).toArray()).toEqual([2, 2, 2, 2]);
    expect(T.max(x, 0).toArray()).toEqual([1, -2, 3]);
    expect(T.argmin(x, 1).toArray()).toEqual([1, 1, 1, 1]);
    expect(T.mean(x).item()).toBeCloseTo(2 / 3, 6);
    expect(T.variance(x, 0).toArray()).toEqual([0, 0, 0]);
  });

  it("size-0 axes: sum gives 0, mean NaN, max throws", () => {
    const x = T.zeros([0, 3], { dtype });
    expect(T.sum(x, 0).toArray()).toEqual([0, 0, 0]);
    expect(T.sum(x, 1).shape).toEqual([0]);
    expect(T.sum(x).item()).toBe(0);
    expect(T.mean(x, 0).toArray()).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    expect(T.max(x, 1).shape).toEqual([0]);
    expect(() => T.max(x, 0)).toThrow(/max: cannot reduce an empty axis of a tensor of shape \[0,3\]/);
    expect(() => T.argmax(x)).toThrow(/argmax: cannot reduce an empty axis/);
  });

  it("var with correction 0, 1 (default) and 2, matching hand-worked values", () => {
    const x = T.tensor(
      [
        [1, 2, 3, 4],
        [2, 2, 2, 2],
      ],
      { dtype },
    );
    // row 0: mean 2.5, squared deviations sum to 5; all 8: mean 2.25, squared deviations sum to 5.5
    const close = (a: Tensor, b: T.NestedArray) => {
      const r = allClose(a, b, tol);
      expect(r.pass, r.message).toBe(true);
    };
    close(T.variance(x, 1), [5 / 3, 0]);
    close(T.variance(x, 1, false, 0), [5 / 4, 0]);
    close(T.variance(x, 1, true, 2), [[5 / 2], [0]]);
    close(T.var(x, 0), [0.5, 0, 0.5, 2]);
    close(x.var(undefined, false, 0), 5.5 / 8);
    close(x.var(), 5.5 / 7);
    expect(T.variance(T.tensor([3], { dtype })).item()).toBeNaN(); // 0 / 0, as torch
  });

  it("argmax/argmin: int32 results, first index on ties, flat index without axis, NaN wins", () => {
    const x = T.tensor(
      [
        [1, 5, 5],
        [7, 0, 7],
      ],
      { dtype },
    );
    const am = T.argmax(x, 1);
    expect(am.dtype).toBe("int32");
    expect(am.toArray()).toEqual([1, 0]);
    expect(T.argmin(x, 1).toArray()).toEqual([0, 1]);
    expect(T.argmax(x, 0).toArray()).toEqual([1, 0, 1]);
    expect(T.argmax(x, -1, true).toArray()).toEqual([[1], [0]]);
    expect(T.argmax(x).item()).toBe(3);
    expect(T.argmin(x).item()).toBe(4);
    expect(T.argmax(T.transpose(x)).item()).toBe(1); // flat index in the view's row-major order
    expect(T.argmax(T.tensor([1, Number.NaN, 3], { dtype })).item()).toBe(1);
    expect(T.argmin(T.tensor([1, 3, Number.NaN], { dtype })).item()).toBe(2);
    expect(T.argmax(T.tensor(4, { dtype })).toArray()).toBe(0);
    expect(x.argmax(1).toArray()).toEqual([1, 0]);
  });

  it("max/min propagate NaN; scalars reduce to themselves", () => {
    expect(T.max(T.tensor([1, Number.NaN, 3], { dtype })).item()).toBeNaN();
    expect(
      T.min(
        T.tensor(
          [
            [1, 2],
            [Number.NaN, 0],
          ],
          { dtype },
        ),
        1,
      ).toArray(),
    ).toEqual([1, Number.NaN]);
    expect(
      T.max(
        T.tensor(
          [
            [1, 2],
            [Number.NaN, 0],
          ],
          { dtype },
        ),
        0,
      ).toArray(),
    ).toEqual([Number.NaN, 2]);
    expect(T.sum(T.tensor(2.5, { dtype })).item()).toBe(2.5);
    expect(T.sum(T.tensor(2.5, { dtype }), []).item()).toBe(2.5);
    expect(T.max(T.tensor(-1, { dtype })).item()).toBe(-1);
  });

  it("property: every reduction over random shapes, axes and layouts matches the naive loops", () => {
    const shape = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(
        shape,
        fc.nat(255),
        fc.nat(ops.length + 1),
        fc.nat(3),
        fc.boolean(),
        fc.nat(999),
        (s, mask, o, l, keep, seed) => {
          const axes = [...s.keys()].filter((i) => mask & (1 << i));
          const allOps: Op[] = [...ops, "argmax", "argmin"];
          let op = allOps[o]!;
          if (op === "var" && axes.every((a) => s[a] === 1)) op = "sum";
          const x = T.randn(s, { dtype, generator: new T.Generator(seed) });
          const isArg = op === "argmax" || op === "argmin";
          const arg = isArg ? axes[0] : axes;
          const want = naiveReduce(
            x,
            op,
            isArg ? (arg === undefined ? [...s.keys()] : [arg as number]) : axes,
            keep,
          );
          const [, v] = layouts(x)[Math.min(l, layouts(x).length - 1)]!;
          const out = (T as any)[op](v, arg, keep) as Tensor;
          if (isArg && arg === undefined) {
            // the flat index over all axes
            expect(out.item()).toBe(fold[op](Array.from(x.toTypedArray())));
            return;
          }
          expect(out.shape).toEqual(want.shape);
          const r = allClose(out.toTypedArray(), want.data, tol);
          expect(r.pass, `${op} ${JSON.stringify(s)} ${JSON.stringify(axes)}: ${r.message}`).toBe(true);
        },
      ),
      FC,
    );
  });
});

describe("sum numerics", () => {
  it("float64 sums are compensated: [1e16, 1, -1e16] gives 1 along every axis and layout", () => {
    const cancel = [1e16, 1, -1e16, 3, -3, 1];
    expect(T.sum(T.tensor(cancel, { dtype: "float64" })).item()).toBe(2);
    const cols = T.tensor(
      [
        [1e16, 5],
        [1, 1e-3],
        [-1e16, -5],
      ],
      { dtype: "float64" },
    );
    expect(T.sum(cols, 0).toArray()).toEqual([1, 1e-3]);
    expect(T.sum(T.transpose(cols), 1).toArray()).toEqual([1, 1e-3]);
    expect(T.sum(T.unsqueeze(cols, 0), [0, 1]).toArray()).toEqual([1, 1e-3]);
    expect(T.sum(T.narrow(cols, 1, 0, 1)).item()).toBe(1);
    expect(T.mean(T.tensor([1e16, 3, -1e16], { dtype: "float64" })).item()).toBe(1);
  });

  it("infinities and NaN pass through the compensated float64 sum", () => {
    for (const dtype of ["float32", "float64"] as const) {
      expect(T.sum(T.tensor([Infinity, 1, 2], { dtype })).item()).toBe(Infinity);
      expect(T.sum(T.tensor([1, -Infinity], { dtype })).item()).toBe(-Infinity);
      expect(T.sum(T.tensor([Infinity, -Infinity], { dtype })).item()).toBeNaN();
      expect(
        T.sum(
          T.tensor(
            [
              [Infinity, 1],
              [1, Number.NaN],
            ],
            { dtype },
          ),
          0,
        ).toArray(),
      ).toEqual([Infinity, Number.NaN]);
      expect(T.sum(T.tensor([1e308, 1e308], { dtype: "float64" })).item()).toBe(Infinity);
    }
  });

  it("float32 sums of many small terms keep their digits", () => {
    const n = 1 << 20;
    const x = T.full([n], 0.1, { dtype: "float32" });
    const exact = n * Math.fround(0.1);
    expect(Math.abs(T.sum(x).item() / exact - 1)).toBeLessThan(1e-6);
    expect(
      Math.abs(T.sum(T.reshape(x, [1024, 1024]), 0).toTypedArray()[0]! / (1024 * Math.fround(0.1)) - 1),
    ).toBeLessThan(1e-6);
  });

  it("int32 sums stay int32", () => {
    const s = T.sum(
      T.tensor(
        [
          [1, 2],
          [3, 4],
        ],
        { dtype: "int32" },
      ),
      0,
    );
    expect(s.dtype).toBe("int32");
    expect(s.toArray()).toEqual([4, 6]);
    expect(
      T.max(
        T.tensor(
          [
            [1, 9],
            [3, 4],
          ],
          { dtype: "int32" },
        ),
        0,
      ).toArray(),
    ).toEqual([3, 9]);
  });
});
