import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as T from "../node.js";
import type { Tensor } from "../tensor.js";
import { flat, ravel, unravel } from "../test-utils.js";

const FC = { seed: 5150, numRuns: 150 };

/** out[idx] = x[idx permuted back]: transposition written out element by element. */
function naiveTranspose(x: Tensor, perm: number[]): number[] {
  const shape = perm.map((p) => x.shape[p]!);
  const v = x.toTypedArray();
  return Array.from({ length: x.size }, (_, i) => {
    const idx = unravel(i, shape);
    const src = new Array<number>(x.ndim);
    perm.forEach((p, d) => {
      src[p] = idx[d]!;
    });
    return v[ravel(src, x.shape)]!;
  });
}

const shapeArb = fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 4 });
const permOf = (n: number) =>
  fc
    .array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n })
    .map((keys) => [...keys.keys()].sort((a, b) => keys[a]! - keys[b]! || a - b));

describe("reshape", () => {
  it("keeps row-major order, infers one -1 and shares storage when it can", () => {
    const x = T.arange(12);
    const r = T.reshape(x, [3, -1]);
    expect(r.shape).toEqual([3, 4]);
    expect(r.toArray()).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9, 10, 11],
    ]);
    expect(r.data).toBe(x.data);
    expect(T.reshape(r, [2, 3, 2]).toArray()).toEqual([
      [
        [0, 1],
        [2, 3],
        [4, 5],
      ],
      [
        [6, 7],
        [8, 9],
        [10, 11],
      ],
    ]);
    expect(T.reshape(T.tensor(5), [1, 1]).toArray()).toEqual([[5]]);
    expect(T.reshape(T.tensor([[5]]), []).shape).toEqual([]);
    expect(T.reshape(T.zeros([0, 3]), [3, 0]).shape).toEqual([3, 0]);
    expect(T.reshape(T.zeros([3, 0]), [-1, 3]).shape).toEqual([0, 3]);
    expect(T.flatten(T.ones([2, 3])).shape).toEqual([6]);
    expect(x.reshape([4, 3]).flatten().shape).toEqual([12]);
  });

  it("copies non-contiguous inputs in their logical order", () => {
    const x = T.reshape(T.arange(6), [2, 3]);
    expect(T.reshape(T.transpose(x), [6]).toArray()).toEqual([0, 3, 1, 4, 2, 5]);
    expect(T.reshape(T.narrow(x, 1, 1, 2), [-1]).toArray()).toEqual([1, 2, 4, 5]);
    expect(T.reshape(T.expand(T.tensor([[1], [2]]), [2, 2]), [4]).toArray()).toEqual([1, 1, 2, 2]);
  });

  it("property: reshape to any shape of the same size and back is the identity", () => {
    fc.assert(
      fc.property(shapeArb, fc.nat(10), (shape, cut) => {
        const x = T.randn(shape, { generator: new T.Generator(cut) });
        const n = x.size;
        const divs = [...Array(n + 1).keys()].filter((d) => d > 0 && n % d === 0);
        const d = divs[cut % divs.length]!;
        const y = T.reshape(T.transpose(x), [d, -1]);
        expect(y.shape).toEqual([d, n / d]);
        expect(flat(y)).toEqual(naiveTranspose(x, [...shape.keys()].reverse()));
        const back = T.transpose(T.reshape(y, [...shape].reverse()));
        expect(back.shape).toEqual(shape);
        expect(flat(back)).toEqual(flat(x));
      }),
      FC,
    );
  });
});

describe("transpose", () => {
  it("reverses axes by default, takes a permutation with negative axes, and is a view", () => {
    const x = T.reshape(T.arange(24), [2, 3, 4]);
    const t = T.transpose(x);
    expect(t.shape).toEqual([4, 3, 2]);
    expect(t.data).toBe(x.data);
    expect(t.isContiguous).toBe(false);
    expect(flat(t)).toEqual(naiveTranspose(x, [2, 1, 0]));
    expect(flat(T.transpose(x, [1, -1, 0]))).toEqual(naiveTranspose(x, [1, 2, 0]));
    expect(T.transpose(T.tensor(3)).shape).toEqual([]);
    expect(x.transpose([0, 2, 1]).shape).toEqual([2, 4, 3]);
  });

  it("property: a permutation matches the naive loop and its inverse restores the tensor", () => {
    fc.assert(
      fc.property(
        shapeArb.chain((s) => fc.tuple(fc.constant(s), permOf(s.length), permOf(s.length))),
        ([s, p, q]) => {
          const x = T.randn(s, { generator: new T.Generator(s.length) });
          const y = T.transpose(x, p);
          expect(flat(y)).toEqual(naiveTranspose(x, p));
          const inv = new Array<number>(p.length);
          p.forEach((v, i) => {
            inv[v] = i;
          });
          expect(flat(T.transpose(y, inv))).toEqual(flat(x));
          // composing two permutations is one permutation
          expect(flat(T.transpose(y, q))).toEqual(
            naiveTranspose(
              x,
              q.map((i) => p[i]!),
            ),
          );
        },
      ),
      FC,
    );
  });
});

describe("squeeze, unsqueeze, expand, narrow", () => {
  it("squeeze removes all or the given size-1 axes", () => {
    const x = T.zeros([1, 3, 1, 2]);
    expect(T.squeeze(x).shape).toEqual([3, 2]);
    expect(T.squeeze(x, 0).shape).toEqual([3, 1, 2]);
    expect(T.squeeze(x, [-2, 0]).shape).toEqual([3, 2]);
    expect(T.squeeze(T.zeros([1, 1])).shape).toEqual([]);
    expect(T.squeeze(x).data).toBe(x.data);
    expect(x.squeeze(2).shape).toEqual([1, 3, 2]);
  });

  it("unsqueeze inserts a size-1 axis anywhere, on contiguous and strided tensors", () => {
    const x = T.reshape(T.arange(6), [2, 3]);
    expect(T.unsqueeze(x, 0).shape).toEqual([1, 2, 3]);
    expect(T.unsqueeze(x, 2).shape).toEqual([2, 3, 1]);
    expect(T.unsqueeze(x, -1).shape).toEqual([2, 3, 1]);
    expect(T.unsqueeze(x, -3).shape).toEqual([1, 2, 3]);
    expect(T.unsqueeze(T.tensor(1), 0).toArray()).toEqual([1]);
    const t = T.unsqueeze(T.transpose(x), 1);
    expect(t.toArray()).toEqual([[[0, 3]], [[1, 4]], [[2, 5]]]);
    expect(x.unsqueeze(1).data).toBe(x.data);
  });

  it("expand repeats size-1 axes by stride 0, adds leading axes, keeps -1 axes", () => {
    const x = T.tensor([[1], [2]]);
    const e = T.expand(x, [3, 2, -1]);
    expect(e.shape).toEqual([3, 2, 1]);
    const f = T.expand(x, [2, 3]);
    expect(f.strides).toEqual([1, 0]);
    expect(f.data).toBe(x.data);
    expect(f.toArray()).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ]);
    expect(T.expand(T.tensor(7), [2, 2]).toArray()).toEqual([
      [7, 7],
      [7, 7],
    ]);
    expect(T.expand(x, [2, 0]).shape).toEqual([2, 0]);
    expect(T.expand(x, [2, 1])).toBe(x);
    expect(x.expand([2, 2]).toArray()).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  it("narrow takes [start, start + length) of an axis, negative start from the end, as a view", () => {
    const x = T.reshape(T.arange(12), [3, 4]);
    expect(T.narrow(x, 1, 1, 2).toArray()).toEqual([
      [1, 2],
      [5, 6],
      [9, 10],
    ]);
    expect(T.narrow(x, 0, -1, 1).toArray()).toEqual([[8, 9, 10, 11]]);
    expect(T.narrow(x, -1, 4, 0).shape).toEqual([3, 0]);
    expect(T.narrow(T.transpose(x), 0, 2, 2).toArray()).toEqual([
      [2, 6, 10],
      [3, 7, 11],
    ]);
    expect(T.narrow(x, 0, 1, 2).data).toBe(x.data);
    expect(x.narrow(0, 2, 1).toArray()).toEqual([[8, 9, 10, 11]]);
  });

  it("contiguous copies only when needed; detach shares storage and drops the gradient", () => {
    const x = T.reshape(T.arange(6), [2, 3]);
    expect(T.contiguous(x)).toBe(x);
    const c = T.contiguous(T.transpose(x));
    expect(c.isContiguous).toBe(true);
    expect(c.data).not.toBe(x.data);
    expect(c.toArray()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    const w = T.ones([2], { requiresGrad: true });
    const y = T.mul(w, 2);
    expect(y.requiresGrad).toBe(true);
    const d = T.detach(y);
    expect(d.requiresGrad).toBe(false);
    expect(d.data).toBe(y.data);
    expect(y.detach().toArray()).toEqual([2, 2]);
  });
});

describe("concat, stack, split", () => {
  const a = T.reshape(T.arange(6), [2, 3]);
  const b = T.reshape(T.arange(6, 10), [2, 2]);

  it("concat joins along any axis, with non-contiguous and size-0 inputs", () => {
    expect(T.concat([a, b], 1).toArray()).toEqual([
      [0, 1, 2, 6, 7],
      [3, 4, 5, 8, 9],
    ]);
    expect(T.concat([a, b], -1).shape).toEqual([2, 5]);
    expect(T.concat([T.transpose(b), b], 0).toArray()).toEqual([
      [6, 8],
      [7, 9],
      [6, 7],
      [8, 9],
    ]);
    const t = T.transpose(T.reshape(T.arange(6), [3, 2])); // [[0,2,4],[1,3,5]]
    expect(T.concat([a, t]).toArray()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
      [0, 2, 4],
      [1, 3, 5],
    ]);
    expect(T.concat([T.narrow(a, 1, 1, 2), T.expand(T.tensor([[9]]), [2, 1])], 1).toArray()).toEqual([
      [1, 2, 9],
      [4, 5, 9],
    ]);
    expect(T.concat([a, T.zeros([0, 3]), a]).shape).toEqual([4, 3]);
    expect(T.concat([a]).toArray()).toEqual(a.toArray());
    expect(
      T.concat([T.tensor([1, 2], { dtype: "int32" }), T.tensor([3], { dtype: "int32" })]).toArray(),
    ).toEqual([1, 2, 3]);
  });

  it("stack joins along a new axis, including the last", () => {
    const s = T.stack([a, T.add(a, 10)]);
    expect(s.shape).toEqual([2, 2, 3]);
    expect(s.toArray()).toEqual([a.toArray(), T.add(a, 10).toArray()]);
    const last = T.stack([a, T.transpose(T.transpose(a))], -1);
    expect(last.shape).toEqual([2, 3, 2]);
    expect(last.toArray()).toEqual([
      [
        [0, 0],
        [1, 1],
        [2, 2],
      ],
      [
        [3, 3],
        [4, 4],
        [5, 5],
      ],
    ]);
    expect(T.stack([a, a], 1).toArray()).toEqual([
      [
        [0, 1, 2],
        [0, 1, 2],
      ],
      [
        [3, 4, 5],
        [3, 4, 5],
      ],
    ]);
    expect(T.stack([T.tensor(1), T.tensor(2)]).toArray()).toEqual([1, 2]);
  });

  it("split cuts chunks of a size (the last shorter) or given sizes, as views", () => {
    const x = T.arange(7);
    const parts = T.split(x, 3);
    expect(parts.map((p) => p.toArray())).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(parts[1]!.data).toBe(x.data);
    expect(T.split(x, [2, 0, 5]).map((p) => p.shape)).toEqual([[2], [0], [5]]);
    const cols = T.split(a, 2, -1);
    expect(cols.map((p) => p.toArray())).toEqual([
      [
        [0, 1],
        [3, 4],
      ],
      [[2], [5]],
    ]);
    expect(a.split([1, 1], 0).map((p) => p.toArray())).toEqual([[[0, 1, 2]], [[3, 4, 5]]]);
    expect(T.split(T.zeros([0]), 2)).toEqual([]);
    // pieces along axis 0 are contiguous views with an offset: joining them reads from the offset
    expect(T.concat(T.split(x, 3).reverse()).toArray()).toEqual([6, 3, 4, 5, 0, 1, 2]);
    expect(T.reshape(T.split(x, [3, 4])[1]!, [2, 2]).toArray()).toEqual([
      [3, 4],
      [5, 6],
    ]);
    expect(T.indexSelect(T.split(x, [5, 2])[1]!, 0, T.tensor([1, 0], { dtype: "int32" })).toArray()).toEqual([
      6, 5,
    ]);
  });

  it("property: split then concat is the identity; stack then index is each input", () => {
    fc.assert(
      fc.property(
        shapeArb.filter((s) => s.length > 0),
        fc.nat(3),
        fc.integer({ min: 1, max: 4 }),
        (s, ax, size) => {
          const axis = ax % s.length;
          const x = T.transpose(T.randn([...s].reverse(), { generator: new T.Generator(size) }));
          const parts = T.split(x, size, axis);
          expect(parts.length).toBe(Math.ceil(s[axis]! / size));
          expect(flat(T.concat(parts, axis))).toEqual(flat(x));
          const st = T.stack(parts.slice(0, 1).concat(parts.slice(0, 1)), axis);
          expect(flat(T.narrow(st, axis, 1, 1))).toEqual(flat(parts[0]!));
        },
      ),
      FC,
    );
  });
});
