import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allClose, tolerances } from "../../../../tooling/testing/src/index.js";
import type { DType } from "../dtype.js";
import * as T from "../node.js";
import type { Tensor } from "../tensor.js";
import {
  broadcastIndex,
  checkVjp,
  naiveBroadcastShape,
  narrowed,
  ravel,
  sizeOf,
  transposed,
  unravel,
  vjpOf,
} from "../test-utils.js";

const FC = { seed: 20240611, numRuns: 150 };

function naiveBinary(a: Tensor, b: Tensor, f: (x: number, y: number) => number): number[] {
  const shape = naiveBroadcastShape(a.shape, b.shape)!;
  const [av, bv] = [a.toTypedArray(), b.toTypedArray()];
  const pick = (idx: number[], s: readonly number[]) => ravel(broadcastIndex(idx, s), s);
  return Array.from({ length: sizeOf(shape) }, (_, i) => {
    const idx = unravel(i, shape);
    return f(av[pick(idx, a.shape)]!, bv[pick(idx, b.shape)]!);
  });
}

const arith: Record<string, (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  maximum: (x, y) => Math.max(x, y),
  minimum: (x, y) => Math.min(x, y),
};
const cmp: Record<string, (x: number, y: number) => number> = {
  eq: (x, y) => +(x === y),
  ne: (x, y) => +(x !== y),
  gt: (x, y) => +(x > y),
  ge: (x, y) => +(x >= y),
  lt: (x, y) => +(x < y),
  le: (x, y) => +(x <= y),
};

const dim = fc.oneof(
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 4 }) },
);
/** Two shapes that broadcast: drop leading axes and turn some axes to 1 in each. */
const broadcastPair = fc
  .record({
    out: fc.array(dim, { maxLength: 4 }),
    dropA: fc.nat(4),
    dropB: fc.nat(4),
    onesA: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    onesB: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  })
  .map(({ out, dropA, dropB, onesA, onesB }) => [
    out.slice(Math.min(dropA, out.length)).map((d, i) => (onesA[i] ? 1 : d)),
    out.slice(Math.min(dropB, out.length)).map((d, i) => (onesB[i] ? 1 : d)),
  ]);
const layoutOf = [(x: Tensor) => x, transposed, narrowed];

describe("broadcasting law (property)", () => {
  it("broadcastShapes agrees with the naive law and throws exactly when it fails", () => {
    const anyShape = fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 });
    fc.assert(
      fc.property(anyShape, anyShape, (a, b) => {
        const want = naiveBroadcastShape(a, b);
        if (want === null)
          expect(() => T.broadcastShapes("add", a, b)).toThrow(/add: shapes .* do not broadcast/);
        else expect(T.broadcastShapes("add", a, b)).toEqual(want);
      }),
      FC,
    );
  });

  it.each(["float32", "float64"] as const)(
    "every binary op matches a naive loop on broadcast pairs in %s",
    (dtype) => {
      const ops = [...Object.keys(arith), ...Object.keys(cmp)];
      fc.assert(
        fc.property(
          broadcastPair,
          fc.nat(ops.length - 1),
          fc.nat(2),
          fc.nat(2),
          fc.nat(1000),
          (pair, o, la, lb, seed) => {
            const [sa, sb] = pair as [number[], number[]];
            const g = new T.Generator(seed);
            // small integers make ties, so eq/ge/maximum meet equal values too
            const a = T.astype(T.randint(-3, 4, sa, { generator: g, dtype }), dtype);
            const b = T.astype(T.add(T.randint(-3, 4, sb, { generator: g, dtype }), 0.5), dtype);
            const op = ops[o]!;
            const out = (T as any)[op](layoutOf[la]!(a), layoutOf[lb]!(b)) as Tensor;
            expect(out.shape).toEqual(naiveBroadcastShape(sa, sb));
            expect(out.dtype).toBe(op in cmp ? "int32" : dtype);
            const want = naiveBinary(a, b, arith[op] ?? cmp[op]!);
            const r = allClose(out.toTypedArray(), want, tolerances(dtype));
            expect(r.pass, `${op} ${JSON.stringify(sa)} ${JSON.stringify(sb)}: ${r.message}`).toBe(true);
          },
        ),
        FC,
      );
    },
  );
});

describe.each(["float32", "float64"] as const)("binary ops in %s", (dtype: DType) => {
  const t = (v: T.NestedArray) => T.tensor(v, { dtype });

  it("hand-worked broadcasting of a row, a column and a scalar", () => {
    const x = t([
      [1, 2],
      [3, 4],
    ]);
    expect(T.add(x, t([10, 20])).toArray()).toEqual([
      [11, 22],
      [13, 24],
    ]);
    expect(T.sub(x, t([[1], [2]])).toArray()).toEqual([
      [0, 1],
      [1, 2],
    ]);
    expect(T.mul(t([[2], [3]]), t([1, 10, 100])).toArray()).toEqual([
      [2, 20, 200],
      [3, 30, 300],
    ]);
    expect(T.div(x, t(2)).toArray()).toEqual([
      [0.5, 1],
      [1.5, 2],
    ]);
    expect(T.pow(x, 2).toArray()).toEqual([
      [1, 4],
      [9, 16],
    ]);
    expect(T.pow(t([4, 9]), t([0.5, -1])).toTypedArray()[0]).toBe(2);
    expect(T.maximum(x, t(2.5)).toArray()).toEqual([
      [2.5, 2.5],
      [3, 4],
    ]);
    expect(T.minimum(t(2.5), x).toArray()).toEqual([
      [1, 2],
      [2.5, 2.5],
    ]);
  });

  it("numbers on either side take the tensor's dtype", () => {
    const x = t([1, 2, 4]);
    for (const out of [T.sub(1, x), T.mul(x, 0.5), T.div(1, x), T.add(x, 1), T.pow(2, x), T.maximum(3, x)]) {
      expect(out.dtype).toBe(dtype);
      expect(out.shape).toEqual([3]);
    }
    expect(T.sub(1, x).toArray()).toEqual([0, -1, -3]);
    expect(T.div(1, x).toArray()).toEqual([1, 0.5, 0.25]);
    expect(T.pow(2, x).toArray()).toEqual([2, 4, 16]);
    expect(T.mul(x, 0.5).toArray()).toEqual([0.5, 1, 2]);
    expect(x.sub(1).toArray()).toEqual([0, 1, 3]);
    expect(x.lt(2).toArray()).toEqual([1, 0, 0]);
    expect(T.gt(2, x).toArray()).toEqual([1, 0, 0]);
  });

  it("scalars, size-1 and size-0 axes", () => {
    expect(T.add(t(1), t(2)).shape).toEqual([]);
    expect(T.add(t(1), t(2)).item()).toBe(3);
    expect(T.add(t([[[1]]]), t(2)).shape).toEqual([1, 1, 1]);
    expect(T.add(T.zeros([0, 3], { dtype }), t([1, 2, 3])).shape).toEqual([0, 3]);
    expect(T.mul(T.zeros([2, 0], { dtype }), T.ones([2, 1], { dtype })).shape).toEqual([2, 0]);
    expect(T.eq(T.zeros([0], { dtype }), t(0)).shape).toEqual([0]);
    expect(T.add(T.ones([1, 3], { dtype }), T.ones([0, 1], { dtype })).shape).toEqual([0, 3]);
  });

  it("expanded, transposed and narrowed operands", () => {
    const row = T.expand(t([[1, 2, 3]]), [2, 3]);
    const col = T.expand(t([[10], [20]]), [2, 3]);
    expect(T.add(row, col).toArray()).toEqual([
      [11, 12, 13],
      [21, 22, 23],
    ]);
    const m = t([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(T.sub(T.transpose(m), t([[1], [2]])).toArray()).toEqual([
      [0, 2, 4],
      [0, 2, 4],
    ]);
    expect(T.mul(T.narrow(m, 0, 1, 2), T.narrow(T.narrow(m, 1, 1, 1), 0, 0, 2)).toArray()).toEqual([
      [6, 8],
      [20, 24],
    ]);
  });

  it("comparisons give int32 0/1 and NaN compares unequal; maximum/minimum propagate NaN", () => {
    const a = t([1, 2, Number.NaN, 3]);
    const b = t([1, 3, Number.NaN, 2]);
    const want = {
      eq: [1, 0, 0, 0],
      ne: [0, 1, 1, 1],
      gt: [0, 0, 0, 1],
      ge: [1, 0, 0, 1],
      lt: [0, 1, 0, 0],
      le: [1, 1, 0, 0],
    };
    for (const [op, w] of Object.entries(want)) {
      const out = (T as any)[op](a, b) as Tensor;
      expect(out.dtype).toBe("int32");
      expect(out.toArray(), op).toEqual(w);
    }
    expect(T.maximum(t([Number.NaN, 1]), t([0, Number.NaN])).toArray()).toEqual([Number.NaN, Number.NaN]);
    expect(T.minimum(t([Number.NaN, 1]), t([0, Number.NaN])).toArray()).toEqual([Number.NaN, Number.NaN]);
  });

  it("pow and div special values", () => {
    expect(T.div(t([1, -1, 0]), t(0)).toArray()).toEqual([Infinity, -Infinity, Number.NaN]);
    expect(T.pow(t([0, -8, 2]), t([0, 1 / 3, -1])).toArray()).toEqual([1, Number.NaN, 0.5]);
  });
});

describe("binary ops on int32", () => {
  const t = (v: T.NestedArray) => T.tensor(v, { dtype: "int32" });
  it("add, sub, mul, maximum, minimum stay int32 (and wrap as int32 does)", () => {
    const a = t([1, -2, 3]);
    expect(T.add(a, 2).dtype).toBe("int32");
    expect(T.add(a, 2).toArray()).toEqual([3, 0, 5]);
    expect(T.sub(a, t([[1], [0]])).toArray()).toEqual([
      [0, -3, 2],
      [1, -2, 3],
    ]);
    expect(T.mul(a, a).toArray()).toEqual([1, 4, 9]);
    expect(T.maximum(a, 0).toArray()).toEqual([1, 0, 3]);
    expect(T.minimum(a, 0).toArray()).toEqual([0, -2, 0]);
    expect(T.add(t([2 ** 31 - 1]), 1).item()).toBe(-(2 ** 31));
  });
  it("comparisons of int32, with int32 numbers on either side", () => {
    expect(T.ge(t([1, 2, 3]), t([2])).toArray()).toEqual([0, 1, 1]);
    expect(T.lt(t([-1, 0, 1]), 0).toArray()).toEqual([1, 0, 0]);
    expect(T.eq(-(2 ** 31), t([-(2 ** 31), 0])).toArray()).toEqual([1, 0]);
  });
});

describe("pow's derivative", () => {
  const f64 = (v: T.NestedArray) => T.tensor(v, { dtype: "float64", requiresGrad: true });
  it("d/db a^b is 0 where a = 0 and b >= 0 (not 0 * -inf = NaN), as PyTorch's pow_backward_exponent", () => {
    const a = f64([0, 2, 0, 0]);
    const b = f64([2, 2, 0, -1]);
    const [da, db] = vjpOf(T.pow(a, b), T.ones([4], { dtype: "float64" }));
    // torch.pow(a, b).backward(ones): b.grad = [0, 4 ln 2, 0, -inf]; a.grad = [0, 4, 0, -inf]
    expect(db!.toArray()).toEqual([0, 4 * Math.log(2), 0, -Infinity]);
    expect(Array.from(da!.toTypedArray())).toEqual([0, 4, 0, -Infinity]);
  });
  it("a scalar exponent broadcast over a base with zeros", () => {
    const b = f64(2);
    const out = T.pow(T.tensor([0, 2], { dtype: "float64" }), b);
    const db = vjpOf(out, T.ones([2], { dtype: "float64" }))[1]!;
    expect(db.toArray()).toEqual([0, 4 * Math.log(2)]); // the engine sums it to 4 ln 2 for b
  });
  it("matches finite differences away from 0", () => {
    const a = T.tensor([0.5, 1.5, 3], { dtype: "float64" });
    const b = T.tensor([-1.5, 0.3, 2], { dtype: "float64" });
    expect(checkVjp(T.pow, [a, b])).toBeLessThan(1e-6);
  });
});
