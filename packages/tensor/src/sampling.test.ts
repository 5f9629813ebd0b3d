import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as T from "./node.js";
import { checkVjp, layouts, vjpOf } from "./test-utils.js";

const counts = (x: ArrayLike<number>, c: number) => {
  const out = new Array<number>(c).fill(0);
  for (let i = 0; i < x.length; i++) out[x[i]!]!++;
  return out;
};

describe("multinomial", () => {
  it("with replacement, frequencies follow the (unnormalised) weights", () => {
    const n = 30000;
    for (const w of [
      [0.1, 0.2, 0.7],
      [1, 2, 7],
    ]) {
      const s = T.multinomial(T.tensor(w), n, { replacement: true, generator: new T.Generator(1) });
      expect(s.dtype).toBe("int32");
      expect(s.shape).toEqual([n]);
      const f = counts(s.toTypedArray(), 3).map((k) => k / n);
      [0.1, 0.2, 0.7].forEach((p, i) => {
        expect(Math.abs(f[i]! - p)).toBeLessThan(0.015);
      });
    }
  });

  it("never draws a zero-weight class", () => {
    const s = T.multinomial(T.tensor([0, 3, 0, 1, 0]), 5000, {
      replacement: true,
      generator: new T.Generator(2),
    });
    const c = counts(s.toTypedArray(), 5);
    expect([c[0], c[2], c[4]]).toEqual([0, 0, 0]);
    const once = T.multinomial(T.tensor([0, 0, 5]), 1, { generator: new T.Generator(3) });
    expect(once.toArray()).toEqual([2]);
  });

  it("never draws a trailing zero-weight class, even when u rounds up to the total", () => {
    class Top extends T.Generator {
      override random() {
        return 1 - 2 ** -53; // the largest uniform draw
      }
    }
    const w = [0.15234640328709892, 0.051443544808632224, 0.8073088741063477, 0.7785721111714161, 0, 0];
    const s = T.multinomial(T.tensor(w, { dtype: "float64" }), 1, { generator: new Top() });
    expect(s.toArray()).toEqual([3]);
  });

  it("without replacement (the default) draws each class at most once per row", () => {
    const g = new T.Generator(4);
    for (let trial = 0; trial < 50; trial++) {
      const s = Array.from(T.multinomial(T.tensor([0.5, 0.1, 0.1, 0.3]), 4, { generator: g }).toTypedArray());
      expect([...s].sort()).toEqual([0, 1, 2, 3]);
    }
    const some = T.multinomial(T.tensor([0, 1, 1, 0, 1]), 3, { generator: g }).toTypedArray();
    expect([...some].sort()).toEqual([1, 2, 4]);
  });

  it("without replacement, first draws follow the weights", () => {
    const g = new T.Generator(5);
    const first: number[] = [];
    for (let i = 0; i < 6000; i++)
      first.push(T.multinomial(T.tensor([0.6, 0.3, 0.1]), 2, { generator: g }).toTypedArray()[0]!);
    const f = counts(first, 3).map((k) => k / first.length);
    [0.6, 0.3, 0.1].forEach((p, i) => {
      expect(Math.abs(f[i]! - p)).toBeLessThan(0.03);
    });
  });

  it("draws each row of [B, C] from its own weights, on strided and float64/int32 input", () => {
    const probs = T.tensor(
      [
        [0, 0, 1],
        [1, 0, 0],
        [0, 1, 0],
      ],
      { dtype: "float64" },
    );
    const s = T.multinomial(probs, 4, { replacement: true, generator: new T.Generator(6) });
    expect(s.shape).toEqual([3, 4]);
    expect(s.toArray()).toEqual([
      [2, 2, 2, 2],
      [0, 0, 0, 0],
      [1, 1, 1, 1],
    ]);
    const t = T.multinomial(T.transpose(probs), 1, { generator: new T.Generator(6) }); // rows [0,1,0],[0,0,1],[1,0,0]
    expect(t.toArray()).toEqual([[1], [2], [0]]);
    const i = T.multinomial(T.tensor([[0, 4]], { dtype: "int32" }), 1, { generator: new T.Generator(6) });
    expect(i.toArray()).toEqual([[1]]);
    expect(T.multinomial(T.zeros([0, 3]), 2, { replacement: true }).shape).toEqual([0, 2]);
  });

  it("is reproducible: the same seed gives the same samples", () => {
    const p = T.softmax(T.randn([4, 10], { generator: new T.Generator(0) }));
    const a = T.multinomial(p, 5, { generator: new T.Generator(77) });
    const b = T.multinomial(p, 5, { generator: new T.Generator(77) });
    expect(a.toArray()).toEqual(b.toArray());
  });

  it("rejects bad input with clear errors", () => {
    expect(() => T.multinomial(T.ones([2, 2, 2]), 1)).toThrow(
      /multinomial: probs must be \[C\] or \[B, C\], got \[2,2,2\]/,
    );
    expect(() => T.multinomial(T.ones([3]), 0)).toThrow(/multinomial: cannot draw 0 samples from 3 classes/);
    expect(() => T.multinomial(T.ones([3]), 1.5)).toThrow(/cannot draw 1.5 samples/);
    expect(() => T.multinomial(T.ones([3]), 4)).toThrow(
      /cannot draw 4 samples from 3 classes \(replacement=false\)/,
    );
    expect(() => T.multinomial(T.tensor([1, -1]), 1)).toThrow(
      /multinomial: weights must be finite and >= 0, got -1/,
    );
    expect(() => T.multinomial(T.tensor([1, Number.NaN]), 1)).toThrow(/finite and >= 0, got NaN/);
    expect(() => T.multinomial(T.tensor([1, Infinity]), 1)).toThrow(/finite and >= 0, got Infinity/);
    expect(() =>
      T.multinomial(
        T.tensor([
          [1, 1],
          [0, 0],
        ]),
        1,
      ),
    ).toThrow(/multinomial: row 1 has no positive weight left/);
    expect(() => T.multinomial(T.tensor([1, 0, 0]), 2)).toThrow(/row 0 has no positive weight left/);
    expect(() => T.multinomial([0.5, 0.5] as never, 1)).toThrow(/multinomial: input must be a Tensor/);
  });
});

/** Pearson's chi-square statistic of observed counts against expected ones. */
const chiSquare = (observed: number[], expected: number[]) =>
  observed.reduce((s, o, i) => s + (o - expected[i]!) ** 2 / expected[i]!, 0);

/** Counts of each ordering (as a string key) among `draws` orderings. */
function tally(draws: number[][]): Map<string, number> {
  const m = new Map<string, number>();
  for (const d of draws) m.set(d.join(), (m.get(d.join()) ?? 0) + 1);
  return m;
}

/** All orderings of 0..n-1. */
function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) =>
    Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]),
  );
}

// NOTE: 75 is the 1 - 3e-7 quantile of chi-square with 23 degrees of freedom (24 orderings of 4),
// loose enough for any fixed seed of a correct sampler, far below what the wrong samplers give.
const CHI2_23 = 75;

describe("multinomial without replacement: the distribution of whole orderings", () => {
  const w = [5, 3, 1, 1];
  /** P(order) for successive draws that renormalise the remaining weights. */
  const probability = (order: number[]) => {
    let left = w.reduce((a, b) => a + b, 0);
    return order.reduce((p, k) => {
      const q = (p * w[k]!) / left;
      left -= w[k]!;
      return q;
    }, 1);
  };
  const n = 24000;
  const statistic = (sample: (g: T.Generator) => number[]) => {
    const g = new T.Generator(11);
    const counts = tally(Array.from({ length: n }, () => sample(g)));
    const orders = permutations(4);
    return chiSquare(
      orders.map((o) => counts.get(o.join()) ?? 0),
      orders.map((o) => n * probability(o)),
    );
  };

  it("follows successive weighted draws (chi-square over the 24 orderings)", () => {
    const x = statistic((g) => Array.from(T.multinomial(T.tensor(w), 4, { generator: g }).toTypedArray()));
    expect(x).toBeLessThan(CHI2_23);
  });

  it("the same test rejects samplers that are subtly wrong", () => {
    // sorting u / w_j instead of exponential keys (a common mistake), and weighted first draw then a uniform rest
    const byUniformKeys = (g: T.Generator) =>
      w
        .map((wj, j) => [g.random() / wj, j] as const)
        .sort((a, b) => a[0] - b[0])
        .map(([, j]) => j);
    const firstOnly = (g: T.Generator) => {
      const first = T.multinomial(T.tensor(w), 1, { generator: g }).item();
      const rest = [0, 1, 2, 3].filter((k) => k !== first);
      const order = Array.from(T.randperm(3, { generator: g }).toTypedArray(), (i) => rest[i]!);
      return [first, ...order];
    };
    expect(statistic(byUniformKeys)).toBeGreaterThan(5 * CHI2_23);
    expect(statistic(firstOnly)).toBeGreaterThan(5 * CHI2_23);
  });

  it("draws every positive class of a large row exactly once, zero weights never", () => {
    const c = 50000;
    const weights = T.tensor(Array.from({ length: c }, (_, j) => (j % 10 === 3 ? 0 : 1 + (j % 7))));
    const s = T.multinomial(weights, c - c / 10, { generator: new T.Generator(2) }).toTypedArray();
    const seen = new Uint8Array(c);
    for (const k of s) seen[k]! += 1;
    expect(seen.every((v, j) => v === (j % 10 === 3 ? 0 : 1))).toBe(true);
    // heavier classes come first: the mean weight of the first tenth is above the last tenth's
    const meanWeight = (ks: ArrayLike<number>) =>
      Array.from(ks).reduce((a, k) => a + 1 + (k % 7), 0) / ks.length;
    expect(meanWeight(s.subarray(0, 4500))).toBeGreaterThan(meanWeight(s.subarray(s.length - 4500)) + 1);
  });
});

describe("randperm", () => {
  it("is a permutation of 0..n-1 in the dtype asked for", () => {
    for (const n of [0, 1, 2, 7, 1000]) {
      for (const dtype of ["int32", "float32", "float64"] as const) {
        const p = T.randperm(n, { dtype, generator: new T.Generator(n) });
        expect(p.dtype).toBe(dtype);
        expect(p.shape).toEqual([n]);
        expect(Array.from(p.toTypedArray()).sort((a, b) => a - b)).toEqual(
          Array.from({ length: n }, (_, i) => i),
        );
      }
    }
  });

  it("is reproducible from its seed, and the default generator follows manualSeed", () => {
    const a = T.randperm(50, { generator: new T.Generator(3) }).toArray();
    expect(T.randperm(50, { generator: new T.Generator(3) }).toArray()).toEqual(a);
    expect(T.randperm(50, { generator: new T.Generator(4) }).toArray()).not.toEqual(a);
    T.manualSeed(9);
    const b = T.randperm(20).toArray();
    T.manualSeed(9);
    expect(T.randperm(20).toArray()).toEqual(b);
  });

  it("makes every ordering equally likely (chi-square over the 24 of 4); a naive shuffle fails", () => {
    const n = 24000;
    const orders = permutations(4);
    const statistic = (shuffle: (g: T.Generator) => number[]) => {
      const g = new T.Generator(5);
      const counts = tally(Array.from({ length: n }, () => shuffle(g)));
      return chiSquare(
        orders.map((o) => counts.get(o.join()) ?? 0),
        orders.map(() => n / 24),
      );
    };
    expect(statistic((g) => Array.from(T.randperm(4, { generator: g }).toTypedArray()))).toBeLessThan(
      CHI2_23,
    );
    // the classic bug: swap each position with any position (n^n paths onto n! orderings)
    const naive = (g: T.Generator) => {
      const p = [0, 1, 2, 3];
      for (let i = 0; i < 4; i++) {
        const j = g.integer(0, 4);
        [p[i], p[j]] = [p[j]!, p[i]!];
      }
      return p;
    };
    expect(statistic(naive)).toBeGreaterThan(5 * CHI2_23);
  });

  it("rejects bad input with clear errors", () => {
    expect(() => T.randperm(-1)).toThrow(
      "randperm: n must be an integer in [0, 2147483648] for int32, got -1",
    );
    expect(() => T.randperm(2.5)).toThrow(/randperm: n must be an integer .* got 2.5/);
    expect(() => T.randperm(2 ** 24 + 1, { dtype: "float32" })).toThrow(
      "randperm: n must be an integer in [0, 16777216] for float32, got 16777217",
    );
    expect(() => T.randperm(3, { dtype: "int64" as never })).toThrow(/randperm: unknown dtype "int64"/);
  });
});

describe("topk", () => {
  it("gives values largest first and their int32 indices; destructures both ways", () => {
    const x = T.tensor([1, 9, 3, 7, 5]);
    const [values, indices] = T.topk(x, 3);
    expect(values.toArray()).toEqual([9, 7, 5]);
    expect(indices.toArray()).toEqual([1, 3, 4]);
    expect(indices.dtype).toBe("int32");
    const r = T.topk(x, 2);
    expect(r.values.toArray()).toEqual([9, 7]);
    expect(r.indices.toArray()).toEqual([1, 3]);
    expect(r.values.dtype).toBe("float32");
    expect(r.length).toBe(2);
  });

  it("ties keep the lower index first; NaN counts as the largest", () => {
    const [v, i] = T.topk(T.tensor([2, 5, 5, 1, 5]), 4);
    expect(v.toArray()).toEqual([5, 5, 5, 2]);
    expect(i.toArray()).toEqual([1, 2, 4, 0]);
    const n = T.topk(T.tensor([1, Number.NaN, 3]), 2);
    expect(n.values.toArray()).toEqual([Number.NaN, 3]);
    expect(n.indices.toArray()).toEqual([1, 2]);
    const inf = T.topk(T.tensor([-Infinity, 0, Infinity, -Infinity]), 4);
    expect(inf.indices.toArray()).toEqual([2, 1, 0, 3]);
  });

  it("works along any axis, on rows, on strided input, and keeps float64/int32", () => {
    const m = T.tensor(
      [
        [3, 1, 2],
        [4, 6, 5],
      ],
      { dtype: "float64" },
    );
    const last = T.topk(m, 2);
    expect(last.values.toArray()).toEqual([
      [3, 2],
      [6, 5],
    ]);
    expect(last.indices.toArray()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(last.values.dtype).toBe("float64");
    const first = T.topk(m, 1, 0);
    expect(first.values.toArray()).toEqual([[4, 6, 5]]);
    expect(first.indices.toArray()).toEqual([[1, 1, 1]]);
    const t = T.topk(T.transpose(m), 1, -1); // rows [3,4], [1,6], [2,5]
    expect(t.values.toArray()).toEqual([[4], [6], [5]]);
    const mid = T.topk(T.reshape(T.arange(12), [2, 3, 2]), 2, 1);
    expect(mid.values.shape).toEqual([2, 2, 2]);
    expect(mid.values.toArray()).toEqual([
      [
        [4, 5],
        [2, 3],
      ],
      [
        [10, 11],
        [8, 9],
      ],
    ]);
    expect(mid.indices.toArray()).toEqual([
      [
        [2, 2],
        [1, 1],
      ],
      [
        [2, 2],
        [1, 1],
      ],
    ]);
    expect(T.topk(T.tensor([3, 1, 2], { dtype: "int32" }), 1).values.dtype).toBe("int32");
    expect(T.topk(m, 0).values.shape).toEqual([2, 0]);
  });

  it("property: values are the sorted tail and indices point at them", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 8 }),
        fc.nat(8),
        fc.nat(999),
        (b, n, kk, seed) => {
          const k = kk % (n + 1);
          const x = T.randint(-4, 5, [b, n], { generator: new T.Generator(seed), dtype: "float64" });
          const { values, indices } = T.topk(x, k);
          const rows = x.toArray() as number[][];
          const vs = values.toArray() as number[][];
          const is = indices.toArray() as number[][];
          rows.forEach((row, r) => {
            expect(vs[r]).toEqual([...row].sort((p, q) => q - p).slice(0, k));
            expect(is[r]!.map((j) => row[j])).toEqual(vs[r]);
            expect(new Set(is[r]).size).toBe(k);
          });
        },
      ),
      { seed: 12, numRuns: 100 },
    );
  });

  it("values are differentiable: the gradient flows to the chosen entries (finite differences)", () => {
    const g = new T.Generator(4);
    const x = T.randn([3, 5], { dtype: "float64", generator: g }); // distinct values: no ties
    const w = T.tensor([3, 1, 2], { requiresGrad: true });
    const top = T.topk(w, 2);
    expect(top.values.requiresGrad).toBe(true);
    expect(vjpOf(top.values, T.tensor([10, 20]))[0]!.toArray()).toEqual([10, 0, 20]);
    for (const [layout, v] of layouts(x)) {
      expect(
        checkVjp((a) => T.topk(a, 2).values, [v]),
        layout,
      ).toBeLessThan(1e-6);
      expect(
        checkVjp((a) => T.topk(a, 3, 0).values, [v]),
        layout,
      ).toBeLessThan(1e-6);
    }
    expect(T.topk(T.tensor([1, 2]), 1).values.requiresGrad).toBe(false);
  });

  it("rejects bad k and axes", () => {
    const x = T.ones([2, 3]);
    expect(() => T.topk(x, 4)).toThrow(/topk: k=4 is out of range for an axis of size 3/);
    expect(() => T.topk(x, -1)).toThrow(/topk: k=-1 is out of range/);
    expect(() => T.topk(x, 1.5)).toThrow(/topk: k=1.5/);
    expect(() => T.topk(x, 1, 2)).toThrow(/topk: axis 2 is out of range for a tensor of rank 2/);
    expect(() => T.topk(null as never, 1)).toThrow(/topk: input must be a Tensor, got null/);
  });
});
