import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as T from "../node.js";
import type { Tensor } from "../tensor.js";
import { flat, ravel, sizeOf, unravel } from "../test-utils.js";

const int = (v: T.NestedArray) => T.tensor(v, { dtype: "int32" });

/** NumPy's take along `axis`, element by element. */
function naiveTake(x: Tensor, axis: number, idx: Tensor): number[] {
  const shape = [...x.shape.slice(0, axis), ...idx.shape, ...x.shape.slice(axis + 1)];
  const [xv, iv] = [x.toTypedArray(), idx.toTypedArray()];
  return Array.from({ length: sizeOf(shape) }, (_, i) => {
    const o = unravel(i, shape);
    const j = iv[ravel(o.slice(axis, axis + idx.ndim), idx.shape)]!;
    return xv[ravel([...o.slice(0, axis), j, ...o.slice(axis + idx.ndim)], x.shape)]!;
  });
}

describe("indexSelect", () => {
  const table = T.reshape(T.arange(12), [4, 3]);

  it("picks rows and columns by 1-D indices, repeated indices included", () => {
    expect(T.indexSelect(table, 0, int([2, 0, 2])).toArray()).toEqual([
      [6, 7, 8],
      [0, 1, 2],
      [6, 7, 8],
    ]);
    expect(T.indexSelect(table, 1, int([2, 1])).toArray()).toEqual([
      [2, 1],
      [5, 4],
      [8, 7],
      [11, 10],
    ]);
    expect(T.indexSelect(table, -1, int([0])).shape).toEqual([4, 1]);
    expect(table.indexSelect(0, int([3])).toArray()).toEqual([[9, 10, 11]]);
  });

  it("takes indices of any shape, as NumPy's take: a [T, B] batch of ids picks [T, B, E] rows", () => {
    const emb = T.randn([10, 5], { generator: new T.Generator(1) });
    const ids = int([
      [1, 9, 3],
      [0, 0, 4],
    ]);
    const out = T.indexSelect(emb, 0, ids);
    expect(out.shape).toEqual([2, 3, 5]);
    expect(flat(out)).toEqual(naiveTake(emb, 0, ids));
    const scalar = T.indexSelect(emb, 0, int(7));
    expect(scalar.shape).toEqual([5]);
    expect(flat(scalar)).toEqual(flat(T.narrow(emb, 0, 7, 1)));
    expect(T.indexSelect(emb, 1, int([[4, 0]])).shape).toEqual([10, 1, 2]);
    expect(T.indexSelect(emb, 0, T.zeros([0], { dtype: "int32" })).shape).toEqual([0, 5]);
  });

  it("works on transposed, narrowed and expanded inputs and non-contiguous indices", () => {
    const t = T.transpose(table); // [3, 4]
    expect(T.indexSelect(t, 1, int([3, 1])).toArray()).toEqual([
      [9, 3],
      [10, 4],
      [11, 5],
    ]);
    expect(T.indexSelect(T.narrow(table, 1, 1, 2), 0, int([1, 3])).toArray()).toEqual([
      [4, 5],
      [10, 11],
    ]);
    expect(T.indexSelect(T.expand(T.tensor([[1, 2]]), [3, 2]), 0, int([2, 0])).toArray()).toEqual([
      [1, 2],
      [1, 2],
    ]);
    const idx = T.transpose(
      int([
        [0, 1],
        [2, 3],
      ]),
    ); // [[0, 2], [1, 3]]
    expect(T.indexSelect(T.arange(4), 0, idx).toArray()).toEqual([
      [0, 2],
      [1, 3],
    ]);
  });

  it("float64 and int32 tables keep their dtype", () => {
    expect(T.indexSelect(T.tensor([1.5, 2.5], { dtype: "float64" }), 0, int([1])).dtype).toBe("float64");
    const out = T.indexSelect(
      int([
        [1, 2],
        [3, 4],
      ]),
      0,
      int([1]),
    );
    expect(out.dtype).toBe("int32");
    expect(out.toArray()).toEqual([[3, 4]]);
  });

  it("property: matches NumPy's take on random shapes, axes and index shapes", () => {
    const dims = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(
        dims,
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 2 }),
        fc.nat(5),
        fc.nat(999),
        (s, is, ax, seed) => {
          const g = new T.Generator(seed);
          const axis = ax % s.length;
          const x = T.transpose(T.randn([...s].reverse(), { generator: g }));
          const idx = T.randint(0, s[axis]!, is, { generator: g });
          const out = T.indexSelect(x, axis, idx);
          expect(out.shape).toEqual([...s.slice(0, axis), ...is, ...s.slice(axis + 1)]);
          expect(flat(out)).toEqual(naiveTake(x, axis, idx));
        },
      ),
      { seed: 8, numRuns: 120 },
    );
  });
});

describe("indexAdd", () => {
  it("adds rows of src at their indices, repeated indices accumulate", () => {
    const base = T.zeros([3, 2]);
    const src = T.tensor([
      [1, 2],
      [10, 20],
      [100, 200],
    ]);
    const out = T.indexAdd(base, 0, int([2, 0, 2]), src);
    expect(out.toArray()).toEqual([
      [10, 20],
      [0, 0],
      [101, 202],
    ]);
    expect(base.toArray()).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]); // inputs are not written
    const cols = T.indexAdd(T.ones([2, 3]), 1, int([1]), T.tensor([[5], [6]]));
    expect(cols.toArray()).toEqual([
      [1, 6, 1],
      [1, 7, 1],
    ]);
  });

  it("takes a batch of indices and strided operands", () => {
    const base = T.transpose(T.zeros([2, 4])); // [4, 2]
    const src = T.expand(T.tensor([[[1, 1]]]), [2, 2, 2]);
    const out = T.indexAdd(
      base,
      0,
      int([
        [0, 3],
        [3, 3],
      ]),
      src,
    );
    expect(out.toArray()).toEqual([
      [1, 1],
      [0, 0],
      [0, 0],
      [3, 3],
    ]);
  });
});

describe("oneHot", () => {
  it("gives int32 rows with a single 1, for indices of any shape", () => {
    const o = T.oneHot(int([2, 0, 1]), 3);
    expect(o.dtype).toBe("int32");
    expect(o.toArray()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(T.oneHot(int([[1], [0]]), 2).toArray()).toEqual([[[0, 1]], [[1, 0]]]);
    expect(T.oneHot(int(3), 4).toArray()).toEqual([0, 0, 0, 1]);
    expect(
      T.oneHot(
        T.transpose(
          int([
            [0, 1],
            [2, 0],
          ]),
        ),
        3,
      ).toArray(),
    ).toEqual([
      [
        [1, 0, 0],
        [0, 0, 1],
      ],
      [
        [0, 1, 0],
        [1, 0, 0],
      ],
    ]);
    expect(T.oneHot(T.zeros([0], { dtype: "int32" }), 5).shape).toEqual([0, 5]);
  });

  it("agrees with eq against arange", () => {
    const idx = T.randint(0, 6, [4, 5], { generator: new T.Generator(2) });
    expect(T.oneHot(idx, 6).toArray()).toEqual(
      T.eq(T.unsqueeze(idx, -1), T.arange(6, undefined, 1, { dtype: "int32" })).toArray(),
    );
  });
});
