import { describe, expect, it } from "vitest";
import * as T from "./node.js";

describe("tensor()", () => {
  it("takes a number, nested arrays or a typed array with a shape", () => {
    const s = T.tensor(3.5);
    expect(s.shape).toEqual([]);
    expect(s.ndim).toBe(0);
    expect(s.size).toBe(1);
    expect(s.dtype).toBe("float32");
    expect(s.item()).toBe(3.5);
    const m = T.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(m.shape).toEqual([2, 3]);
    expect(m.ndim).toBe(2);
    expect(m.size).toBe(6);
    expect(m.strides).toEqual([3, 1]);
    expect(Array.from(m.toTypedArray())).toEqual([1, 2, 3, 4, 5, 6]);
    const f = T.tensor(new Float64Array([1, 2, 3, 4]), { shape: [2, 2] });
    expect(f.dtype).toBe("float64");
    expect(f.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(T.tensor(new Int32Array([7, 8])).dtype).toBe("int32");
    expect(T.tensor(new Int32Array([7, 8])).shape).toEqual([2]);
    expect(T.tensor([1, 2, 3, 4, 5, 6], { shape: [3, 2] }).toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
  });

  it("copies its input, so later writes to the array do not leak in", () => {
    const src = new Float32Array([1, 2]);
    const t = T.tensor(src);
    src[0] = 99;
    expect(t.toArray()).toEqual([1, 2]);
  });

  it("honours dtype: float32 rounds, float64 keeps digits, int32 truncates toward zero", () => {
    expect(T.tensor([0.1]).toTypedArray()[0]).toBe(Math.fround(0.1));
    expect(T.tensor([0.1], { dtype: "float64" }).toTypedArray()[0]).toBe(0.1);
    expect(T.tensor([1.7, -1.7], { dtype: "int32" }).toArray()).toEqual([1, -1]);
    expect(T.tensor(new Float64Array([2.5]), { dtype: "float32" }).dtype).toBe("float32");
    expect(T.tensor([true, false] as unknown as number[]).toArray()).toEqual([1, 0]);
  });

  it("empty and size-0 shapes", () => {
    expect(T.tensor([]).shape).toEqual([0]);
    expect(T.tensor([[], []]).shape).toEqual([2, 0]);
    expect(T.tensor(new Float32Array(0), { shape: [3, 0] }).shape).toEqual([3, 0]);
  });

  it("requiresGrad on float tensors", () => {
    expect(T.tensor([1], { requiresGrad: true }).requiresGrad).toBe(true);
    expect(T.tensor([1]).requiresGrad).toBe(false);
    expect(T.zeros([2], { requiresGrad: true, dtype: "float64" }).requiresGrad).toBe(true);
  });
});

describe("filled tensors", () => {
  it("zeros, ones, full in each dtype, scalars and size 0", () => {
    expect(T.zeros([2, 3]).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(T.zeros([2, 3]).dtype).toBe("float32");
    expect(T.ones([2], { dtype: "int32" }).toArray()).toEqual([1, 1]);
    expect(T.ones([2], { dtype: "int32" }).dtype).toBe("int32");
    expect(T.full([2, 1], 7.5, { dtype: "float64" }).toArray()).toEqual([[7.5], [7.5]]);
    expect(T.full([], -2).item()).toBe(-2);
    expect(T.full([2], Number.NaN).toArray()).toEqual([Number.NaN, Number.NaN]);
    expect(T.zeros([]).shape).toEqual([]);
    expect(T.ones([0, 4]).size).toBe(0);
  });

  it("zerosLike / onesLike copy shape and dtype unless told otherwise", () => {
    const x = T.tensor([[1, 2]], { dtype: "float64" });
    const z = T.zerosLike(x);
    expect(z.shape).toEqual([1, 2]);
    expect(z.dtype).toBe("float64");
    expect(z.toArray()).toEqual([[0, 0]]);
    const o = T.onesLike(T.transpose(x), { dtype: "int32" });
    expect(o.shape).toEqual([2, 1]);
    expect(o.dtype).toBe("int32");
    expect(o.toArray()).toEqual([[1], [1]]);
  });
});

describe("ranges", () => {
  it("arange counts like Python's range, with fractional and negative steps", () => {
    expect(T.arange(5).toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(T.arange(2, 5).toArray()).toEqual([2, 3, 4]);
    expect(T.arange(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(T.arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    expect(T.arange(0).shape).toEqual([0]);
    expect(T.arange(3, 1).shape).toEqual([0]);
    expect(T.arange(0, 1, 0.1, { dtype: "float64" }).size).toBe(10);
    const i = T.arange(4, undefined, 1, { dtype: "int32" });
    expect(i.dtype).toBe("int32");
    expect(i.toArray()).toEqual([0, 1, 2, 3]);
  });

  it("linspace includes both ends", () => {
    expect(T.linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(T.linspace(-1, 1, 3, { dtype: "float64" }).toArray()).toEqual([-1, 0, 1]);
    expect(T.linspace(2, 3, 1).toArray()).toEqual([2]);
    expect(T.linspace(0, 1, 0).shape).toEqual([0]);
    expect(T.linspace(0, 0.3, 4, { dtype: "float64" }).toTypedArray()[3]).toBe(0.3);
  });

  it("eye gives the identity, square or rectangular", () => {
    expect(T.eye(2).toArray()).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(T.eye(2, 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(T.eye(3, 2, { dtype: "int32" }).toArray()).toEqual([
      [1, 0],
      [0, 1],
      [0, 0],
    ]);
    expect(T.eye(0).shape).toEqual([0, 0]);
  });
});

describe("random creation", () => {
  it("randn, rand and randint: shapes, dtypes and ranges", () => {
    const g = new T.Generator(0);
    const n = T.randn([3, 4], { generator: g });
    expect(n.shape).toEqual([3, 4]);
    expect(n.dtype).toBe("float32");
    expect(T.randn([2], { dtype: "float64", generator: g }).dtype).toBe("float64");
    const u = T.rand([1000], { dtype: "float64", generator: g }).toTypedArray();
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    const r = T.randint(-2, 3, [2000], { generator: g });
    expect(r.dtype).toBe("int32");
    const vals = new Set(r.toTypedArray());
    expect([...vals].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2]);
    expect(T.randint(0, 5, [2], { dtype: "float64", generator: g }).dtype).toBe("float64");
    expect(T.randn([], { generator: g }).shape).toEqual([]);
    expect(T.rand([0, 2], { generator: g }).size).toBe(0);
  });
});
