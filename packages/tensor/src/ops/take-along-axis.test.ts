import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as T from "../node.js";
import type { Tensor } from "../tensor.js";
import {
  checkVjp,
  flat,
  layouts,
  naiveBroadcastShape,
  ravel,
  sizeOf,
  unravel,
  vjpOf,
} from "../test-utils.js";

const int = (v: T.NestedArray) => T.tensor(v, { dtype: "int32" });
const f64 = (v: T.NestedArray) => T.tensor(v, { dtype: "float64" });

/** NumPy's take_along_axis written out: the other axes broadcast, `axis` reads x at the index. */
function naiveTakeAlong(x: Tensor, idx: Tensor, axis: number): number[] {
  const other = (s: readonly number[]) => s.map((d, i) => (i === axis ? 1 : d));
  const shape = naiveBroadcastShape(other(x.shape), other(idx.shape))!;
  shape[axis] = idx.shape[axis]!;
  const [xv, iv] = [x.toTypedArray(), idx.toTypedArray()];
  const read = (o: number[], s: readonly number[]) =>
    ravel(
      o.map((v, d) => (s[d] === 1 ? 0 : v)),
      s,
    );
  return Array.from({ length: sizeOf(shape) }, (_, k) => {
    const o = unravel(k, shape);
    const j = iv[read(o, idx.shape)]!;
    return xv[
      read(
        o.map((v, d) => (d === axis ? j : v)),
        x.shape,
      )
    ]!;
  });
}

describe("takeAlongAxis", () => {
  const m = T.tensor([
    [1, 2],
    [3, 4],
  ]);

  it("matches torch.gather on hand-worked cases, as a function and a method", () => {
    // torch.gather(tensor([[1, 2], [3, 4]]), 1, tensor([[0, 0], [1, 0]])) = [[1, 1], [4, 3]]
    expect(
      T.takeAlongAxis(
        m,
        int([
          [0, 0],
          [1, 0],
        ]),
        1,
      ).toArray(),
    ).toEqual([
      [1, 1],
      [4, 3],
    ]);
    // torch.gather(..., 0, tensor([[1, 0]])) = [[3, 2]]
    expect(m.takeAlongAxis(int([[1, 0]]), 0).toArray()).toEqual([[3, 2]]);
    expect(T.takeAlongAxis(m, int([[1], [0]]), -1).toArray()).toEqual([[2], [3]]);
    expect(T.takeAlongAxis(T.tensor([5, 6, 7]), int([2, 2, 0, 1]), 0).toArray()).toEqual([7, 7, 5, 6]);
    expect(T.takeAlongAxis(m, T.zeros([2, 0], { dtype: "int32" }), 1).shape).toEqual([2, 0]);
  });

  it("broadcasts the other axes both ways, as NumPy's take_along_axis", () => {
    // one index row for every row of m
    expect(T.takeAlongAxis(m, int([[1, 0, 1]]), 1).toArray()).toEqual([
      [2, 1, 2],
      [4, 3, 4],
    ]);
    // x of one row against indices of two rows
    expect(T.takeAlongAxis(T.tensor([[10, 20, 30]]), int([[2], [0]]), 1).toArray()).toEqual([[30], [10]]);
  });

  it("keeps dtype and reads every layout of x and of the indices", () => {
    const x = T.reshape(T.arange(24, undefined, 1, { dtype: "float64" }), [2, 3, 4]);
    const idx = T.randint(0, 3, [2, 5, 4], { generator: new T.Generator(3) });
    const want = naiveTakeAlong(x, idx, 1);
    for (const [lx, xv] of layouts(x))
      for (const [li, iv] of layouts(idx)) {
        const out = T.takeAlongAxis(xv, iv, 1);
        expect(out.dtype).toBe("float64");
        expect(flat(out), `${lx} x, ${li} indices`).toEqual(want);
      }
    expect(T.takeAlongAxis(int([[4, 5]]), int([[1]]), 1).toArray()).toEqual([[5]]);
  });

  it("property: matches the naive law on random shapes, axes and broadcasts", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 0, max: 4 }),
        fc.nat(999),
        (s, onesX, onesI, m, seed) => {
          const g = new T.Generator(seed);
          const axis = seed % s.length;
          const xs = s.map((d, i) => (i !== axis && onesX[i] ? 1 : d));
          const is = s.map((d, i) => (i === axis ? m : onesI[i] ? 1 : d));
          const x = T.randn(xs, { generator: g });
          const idx = T.randint(0, s[axis]!, is, { generator: g });
          expect(flat(T.takeAlongAxis(x, idx, axis))).toEqual(naiveTakeAlong(x, idx, axis));
        },
      ),
      { seed: 5, numRuns: 150 },
    );
  });

  it("its gradient adds g back at the read positions (finite differences, repeats, broadcast x)", () => {
    const g = new T.Generator(11);
    const x = T.randn([3, 4], { dtype: "float64", generator: g });
    const repeated = int([
      [0, 0, 3],
      [2, 1, 2],
      [3, 3, 3],
    ]);
    for (const [layout, v] of layouts(x)) {
      expect(
        checkVjp((a) => T.takeAlongAxis(a, repeated, 1), [v]),
        layout,
      ).toBeLessThan(1e-6);
      expect(
        checkVjp((a) => T.takeAlongAxis(a, int([[2, 0, 1, 2]]), 0), [v]),
        layout,
      ).toBeLessThan(1e-6);
    }
    const row = T.randn([1, 4], { dtype: "float64", generator: g });
    expect(checkVjp((a) => T.takeAlongAxis(a, int([[1], [3], [1]]), 1), [row])).toBeLessThan(1e-6);
    const ones = f64([
      [1, 1, 1],
      [1, 1, 1],
      [1, 1, 1],
    ]);
    const leaf = T.tensor(x.toTypedArray(), { shape: [3, 4], requiresGrad: true });
    expect(vjpOf(T.takeAlongAxis(leaf, repeated, 1), ones)[0]!.toArray()).toEqual([
      [2, 0, 0, 1],
      [0, 1, 2, 0],
      [0, 0, 0, 3],
    ]);
  });

  it("its gradient is recorded when g requires one, so it differentiates again", () => {
    const x = T.tensor([1, 2, 3], { dtype: "float64", requiresGrad: true });
    const g = T.tensor([1, 1], { dtype: "float64", requiresGrad: true });
    const dx = vjpOf(T.takeAlongAxis(x, int([2, 0]), 0), g)[0]!;
    expect(dx.requiresGrad).toBe(true);
    expect(dx.toArray()).toEqual([1, 0, 1]);
  });

  it("int32 x is not recorded; float x is", () => {
    const w = T.tensor([1, 2], { requiresGrad: true });
    expect(T.takeAlongAxis(w, int([1]), 0).gradFn?.prim.name).toBe("takeAlongAxis");
    expect(T.takeAlongAxis(int([1, 2]), int([1]), 0).gradFn).toBeNull();
  });

  it("rejects bad input with clear errors", () => {
    expect(() => T.takeAlongAxis(m, int([0, 1]), 1)).toThrow(
      /^takeAlongAxis: indices \[2\] must have the rank of x \[2,2\]$/,
    );
    expect(() => T.takeAlongAxis(m, int([[0], [1], [0]]), 1)).toThrow(
      /takeAlongAxis: indices \[3,1\] do not broadcast with x \[2,2\] on axis 0/,
    );
    expect(() => T.takeAlongAxis(m, int([[0, 2]]), 1)).toThrow(
      /takeAlongAxis: index 2 is out of range for an axis of size 2/,
    );
    expect(() => T.takeAlongAxis(m, int([[-1, 0]]), 1)).toThrow(/index -1 is out of range/);
    expect(() => T.takeAlongAxis(m, T.tensor([[0, 1]]), 1)).toThrow(
      /takeAlongAxis: indices must be int32, got float32/,
    );
    expect(() => T.takeAlongAxis(m, int([[0, 1]]), 2)).toThrow(
      /takeAlongAxis: axis 2 is out of range for a tensor of rank 2/,
    );
    expect(() => T.takeAlongAxis([1] as never, int([0]), 0)).toThrow(
      /takeAlongAxis: input must be a Tensor, got object/,
    );
    expect(() => T.takeAlongAxis(m, null as never, 0)).toThrow(
      /takeAlongAxis: indices must be a Tensor, got null/,
    );
  });
});
