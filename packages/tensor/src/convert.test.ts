import { describe, expect, it } from "vitest";
import * as T from "./node.js";

describe("toArray, toTypedArray, item", () => {
  const x = T.reshape(T.arange(6, undefined, 1, { dtype: "float64" }), [2, 3]);

  it("toArray gives nested arrays in logical order, a number for a scalar", () => {
    expect(x.toArray()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(T.toArray(T.transpose(x))).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    expect(T.narrow(x, 1, 2, 1).toArray()).toEqual([[2], [5]]);
    expect(T.tensor(4).toArray()).toBe(4);
    expect(T.zeros([2, 0]).toArray()).toEqual([[], []]);
    expect(T.zeros([0, 2]).toArray()).toEqual([]);
  });

  it("toTypedArray is a contiguous copy of the right kind", () => {
    const t = T.transpose(x);
    const a = t.toTypedArray();
    expect(a).toBeInstanceOf(Float64Array);
    expect(Array.from(a)).toEqual([0, 3, 1, 4, 2, 5]);
    a[0] = 100;
    expect(x.toArray()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]); // a copy, not the storage
    expect(T.toTypedArray(T.ones([2], { dtype: "int32" }))).toBeInstanceOf(Int32Array);
    expect(T.toTypedArray(T.ones([2]))).toBeInstanceOf(Float32Array);
    expect(Array.from(T.expand(T.tensor([[1], [2]]), [2, 2]).toTypedArray())).toEqual([1, 1, 2, 2]);
    const off = T.narrow(T.arange(5), 0, 2, 2);
    expect(off.toTypedArray().length).toBe(2);
    expect(Array.from(off.toTypedArray())).toEqual([2, 3]);
  });

  it("item reads the single element of any one-element view", () => {
    expect(T.tensor(2.5).item()).toBe(2.5);
    expect(T.tensor([[7]]).item()).toBe(7);
    expect(T.item(T.narrow(x, 1, 2, 1).narrow(0, 1, 1))).toBe(5);
    expect(T.expand(T.tensor(3), [1, 1]).item()).toBe(3);
  });
});

describe("astype", () => {
  it("float32 <-> float64: widening is exact, narrowing rounds", () => {
    const a = T.tensor([0.1, 1e-40, 3e38], { dtype: "float64" });
    const b = T.astype(a, "float32");
    expect(b.dtype).toBe("float32");
    expect(Array.from(b.toTypedArray())).toEqual([Math.fround(0.1), Math.fround(1e-40), Math.fround(3e38)]);
    const c = b.astype("float64");
    expect(c.dtype).toBe("float64");
    expect(c.toTypedArray()[0]).toBe(Math.fround(0.1));
    expect(T.astype(T.tensor([1e39], { dtype: "float64" }), "float32").item()).toBe(Infinity);
  });

  it("float -> int32 truncates toward zero; int32 -> float is exact", () => {
    const f = T.tensor([1.9, -1.9, 0.5, -0.5, 1e6 + 0.5]);
    const i = T.astype(f, "int32");
    expect(i.dtype).toBe("int32");
    expect(i.toArray()).toEqual([1, -1, 0, 0, 1e6]);
    const back = T.astype(T.tensor([2 ** 31 - 1, -(2 ** 31)], { dtype: "int32" }), "float64");
    expect(back.toArray()).toEqual([2 ** 31 - 1, -(2 ** 31)]);
  });

  it("returns the tensor itself for the same dtype and reads strided views", () => {
    const x = T.tensor([
      [1.5, 2.5],
      [3.5, 4.5],
    ]);
    expect(T.astype(x, "float32")).toBe(x);
    expect(T.astype(T.transpose(x), "int32").toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(T.astype(T.expand(T.tensor([[1.25]]), [2, 2]), "float64").toArray()).toEqual([
      [1.25, 1.25],
      [1.25, 1.25],
    ]);
    expect(T.astype(T.tensor(2.5), "int32").toArray()).toBe(2);
  });
});
