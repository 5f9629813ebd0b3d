import type { Tensor } from "@nablajs/tensor";
import * as T from "@nablajs/tensor";
import { assertAllClose } from "@nablajs/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { gradients, sumToShape } from "./index.js";

/** Two shapes cut from one full shape (leading axes dropped, some axes set to 1), and their broadcast. */
const broadcastPair = fc
  .array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 4 })
  .chain((full) => {
    const input = fc
      .tuple(
        fc.integer({ min: 0, max: full.length }),
        fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }),
      )
      .map(([drop, ones]) => full.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));
    return fc.tuple(input, input).map(([sa, sb]) => [broadcast(sa, sb), sa, sb] as const);
  });

/** NumPy's broadcasting rule, written out for shapes known to be compatible. */
function broadcast(a: number[], b: number[]): number[] {
  const n = Math.max(a.length, b.length);
  const at = (s: number[], i: number) => s[i - (n - s.length)] ?? 1;
  return Array.from({ length: n }, (_, i) => Math.max(at(a, i), at(b, i)));
}

const leaf = (shape: number[], seed: number): Tensor =>
  T.randn(shape, { dtype: "float64", generator: new T.Generator(seed), requiresGrad: true });
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

describe("un-broadcasting in the engine (property tests, seeded)", () => {
  it("d sum(a + b) has a's and b's shapes, each value the number of times it was broadcast", () => {
    fc.assert(
      fc.property(broadcastPair, ([out, sa, sb]) => {
        const a = leaf(sa, 1);
        const b = leaf(sb, 2);
        const y = T.add(a, b);
        expect(y.shape).toEqual(out);
        const [ga, gb] = gradients([T.sum(y)], [a, b], [T.ones([], { dtype: "float64" })]);
        expect(ga!.shape).toEqual(sa);
        expect(gb!.shape).toEqual(sb);
        assertAllClose(ga!, T.full(sa, size(out) / size(sa), { dtype: "float64" }));
        assertAllClose(gb!, T.full(sb, size(out) / size(sb), { dtype: "float64" }));
      }),
      { seed: 20240, numRuns: 150 },
    );
  });

  it("d sum(a * b) w.r.t. a is b summed over the axes a was broadcast along", () => {
    fc.assert(
      fc.property(broadcastPair, ([out, sa, sb]) => {
        const a = leaf(sa, 3);
        const b = leaf(sb, 4);
        const [ga] = gradients([T.sum(T.mul(a, b))], [a], [T.ones([], { dtype: "float64" })]);
        const expected = sumToShape(T.expand(T.detach(b), out), sa);
        assertAllClose(ga!, expected, { rtol: 1e-12 });
      }),
      { seed: 777, numRuns: 100 },
    );
  });

  it("the gradient is linear in the cotangent: g(u + 2v) = g(u) + 2 g(v)", () => {
    fc.assert(
      fc.property(broadcastPair, fc.integer({ min: 0, max: 1000 }), ([out, sa, sb], seed) => {
        const a = leaf(sa, seed);
        const b = leaf(sb, seed + 1);
        const y = T.mul(T.sin(a), T.exp(b));
        const u = leaf(out, seed + 2).detach();
        const v = leaf(out, seed + 3).detach();
        const g = (c: Tensor) => gradients([y], [a, b], [c], { retainGraph: true });
        const [gu, gv, guv] = [g(u), g(v), g(T.add(u, T.mul(v, 2)))];
        for (const k of [0, 1])
          assertAllClose(guv[k]!, T.add(gu[k]!, T.mul(gv[k]!, 2)), { rtol: 1e-10, atol: 1e-12 });
      }),
      { seed: 31337, numRuns: 60 },
    );
  });

  it("sumToShape sums leading and size-1 axes and leaves matching shapes alone", () => {
    const g = T.reshape(T.arange(24, undefined, 1, { dtype: "float64" }), [2, 3, 4]);
    expect(sumToShape(g, [2, 3, 4])).toBe(g);
    assertAllClose(sumToShape(g, [4]), T.sum(g, [0, 1]));
    assertAllClose(sumToShape(g, [3, 1]), T.sum(g, [0, 2], true).reshape([3, 1]));
    assertAllClose(sumToShape(g, []), T.sum(g));
  });
});
