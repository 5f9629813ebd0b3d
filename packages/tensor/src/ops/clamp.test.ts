import { describe, expect, it } from "vitest";
import type { DType } from "../dtype.js";
import * as T from "../node.js";

describe.each(["float32", "float64"] as const)("clamp in %s", (dtype: DType) => {
  const t = (v: T.NestedArray) => T.tensor(v, { dtype });

  it("limits to [min, max]; either bound may be omitted", () => {
    const x = t([-2, -0.5, 0, 0.5, 2]);
    expect(T.clamp(x, -1, 1).toArray()).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(T.clamp(x, 0).toArray()).toEqual([0, 0, 0, 0.5, 2]);
    expect(T.clamp(x, undefined, 0).toArray()).toEqual([-2, -0.5, 0, 0, 0]);
    expect(T.clamp(x).toArray()).toEqual(x.toArray());
    expect(x.clamp(-0.5, 0.5).toArray()).toEqual([-0.5, -0.5, 0, 0.5, 0.5]);
    expect(T.clamp(x, -1, 1).dtype).toBe(dtype);
  });

  it("min > max gives max everywhere, as torch.clamp; NaN stays NaN; infinite bounds", () => {
    expect(T.clamp(t([-1, 0, 5]), 2, 1).toArray()).toEqual([1, 1, 1]);
    expect(T.clamp(t([Number.NaN, 3]), 0, 1).toArray()).toEqual([Number.NaN, 1]);
    expect(T.clamp(t([-Infinity, Infinity]), -Infinity, 4).toArray()).toEqual([-Infinity, 4]);
  });

  it("scalars, size 0 and non-contiguous inputs", () => {
    expect(T.clamp(t(5), 0, 1).item()).toBe(1);
    expect(T.clamp(T.zeros([0, 2], { dtype }), 0, 1).shape).toEqual([0, 2]);
    const m = t([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(T.clamp(T.transpose(m), 2, 5).toArray()).toEqual([
      [2, 4],
      [2, 5],
      [3, 5],
    ]);
    expect(T.clamp(T.narrow(m, 1, 1, 2), 3, 4).toArray()).toEqual([
      [3, 3],
      [4, 4],
    ]);
    expect(T.clamp(T.expand(t([[0], [9]]), [2, 2]), 1, 8).toArray()).toEqual([
      [1, 1],
      [8, 8],
    ]);
  });
});

describe("clamp on int32", () => {
  const x = T.tensor([-5, 0, 3, 9], { dtype: "int32" });
  it("keeps int32 and honours integer and infinite bounds", () => {
    const out = T.clamp(x, -1, 4);
    expect(out.dtype).toBe("int32");
    expect(out.toArray()).toEqual([-1, 0, 3, 4]);
    expect(T.clamp(x, -Infinity, 4).toArray()).toEqual([-5, 0, 3, 4]);
    expect(T.clamp(x, 0, Infinity).toArray()).toEqual([0, 0, 3, 9]);
    expect(T.clamp(x, 1).toArray()).toEqual([1, 1, 3, 9]);
  });
  it("fractional bounds round inward: x >= 0.5 means x >= 1 for integers", () => {
    expect(T.clamp(x, 0.5, 3.5).toArray()).toEqual([1, 1, 3, 3]);
    expect(T.clamp(x, -1.5, 2.5).toArray()).toEqual([-1, 0, 2, 2]);
  });
});
