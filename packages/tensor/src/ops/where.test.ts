import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DType } from "../dtype.js";
import * as T from "../node.js";
import type { Tensor } from "../tensor.js";
import { broadcastIndex, ravel, sizeOf, unravel } from "../test-utils.js";

/** where(c, a, b) element by element over the three-way broadcast shape. */
function naiveWhere(c: Tensor, a: Tensor, b: Tensor, shape: number[]): number[] {
  const vals = [c, a, b].map((t) => t.toTypedArray());
  const at = (k: number, t: Tensor, idx: number[]) => vals[k]![ravel(broadcastIndex(idx, t.shape), t.shape)]!;
  return Array.from({ length: sizeOf(shape) }, (_, i) => {
    const idx = unravel(i, shape);
    return at(0, c, idx) !== 0 ? at(1, a, idx) : at(2, b, idx);
  });
}

describe.each(["float32", "float64"] as const)("where in %s", (dtype: DType) => {
  const t = (v: T.NestedArray) => T.tensor(v, { dtype });
  const cond = T.tensor(
    [
      [1, 0, 1],
      [0, 0, 1],
    ],
    { dtype: "int32" },
  );

  it("picks a where cond is nonzero, b elsewhere, broadcasting all three", () => {
    const a = t([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(T.where(cond, a, t(0)).toArray()).toEqual([
      [1, 0, 3],
      [0, 0, 6],
    ]);
    expect(T.where(cond, a, 0).dtype).toBe(dtype);
    expect(T.where(cond, -1, a).toArray()).toEqual([
      [-1, 2, -1],
      [4, 5, -1],
    ]);
    expect(T.where(T.tensor([[1], [0]], { dtype: "int32" }), t([1, 2, 3]), t([[7], [8]])).toArray()).toEqual([
      [1, 2, 3],
      [8, 8, 8],
    ]);
    expect(T.where(T.tensor(1, { dtype: "int32" }), t(2), t(3)).item()).toBe(2);
    expect(T.where(T.zeros([0, 3], { dtype: "int32" }), t([1, 2, 3]), 0).shape).toEqual([0, 3]);
  });

  it("takes comparison results and float conditions (nonzero, NaN counts as true)", () => {
    const x = t([-2, 0.5, 3]);
    expect(T.where(T.gt(x, 0), x, T.mul(x, 0.5)).toArray()).toEqual([-1, 0.5, 3]);
    expect(T.where(t([0, -0.5, Number.NaN]), 1, 2).toArray()).toEqual([2, 1, 1]);
  });

  it("accepts transposed, narrowed and expanded inputs", () => {
    const c = T.transpose(
      T.tensor(
        [
          [1, 0],
          [0, 1],
          [1, 1],
        ],
        { dtype: "int32" },
      ),
    ); // [[1,0,1],[0,1,1]]
    const a = T.narrow(
      t([
        [9, 1, 2, 3],
        [9, 4, 5, 6],
      ]),
      1,
      1,
      3,
    );
    const b = T.expand(t([[7], [8]]), [2, 3]);
    expect(T.where(c, a, b).toArray()).toEqual([
      [1, 7, 3],
      [8, 5, 6],
    ]);
  });

  it("property: matches the naive loop on random broadcast triples", () => {
    const dims = fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 });
    fc.assert(
      fc.property(
        dims,
        fc.array(fc.nat(2), { minLength: 9, maxLength: 9 }),
        fc.nat(999),
        (out, mask, seed) => {
          const g = new T.Generator(seed);
          const shapes = [0, 1, 2].map((k) =>
            out.slice(mask[3 * k]! % 2).map((d, i) => (mask[3 * k + 1 + (i % 2)] === 1 ? 1 : d)),
          );
          const c = T.randint(0, 2, shapes[0]!, { generator: g });
          const a = T.randn(shapes[1]!, { dtype, generator: g });
          const b = T.transpose(T.randn([...shapes[2]!].reverse(), { dtype, generator: g }));
          const shape = T.broadcastShapes("t", T.broadcastShapes("t", shapes[0]!, shapes[1]!), shapes[2]!);
          const got = T.where(c, a, b);
          expect(got.shape).toEqual(shape);
          expect(Array.from(got.toTypedArray())).toEqual(naiveWhere(c, a, b, shape));
        },
      ),
      { seed: 31, numRuns: 100 },
    );
  });
});

it("where on int32 values", () => {
  const c = T.tensor([1, 0], { dtype: "int32" });
  const out = T.where(c, T.tensor([5, 6], { dtype: "int32" }), 0);
  expect(out.dtype).toBe("int32");
  expect(out.toArray()).toEqual([5, 0]);
});
