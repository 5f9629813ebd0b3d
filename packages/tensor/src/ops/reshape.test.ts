// reshape of strided input: a view whenever one exists (as torch.reshape), a copy otherwise.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as T from "../node.js";
import type { Tensor } from "../tensor.js";
import { checkVjp, flat, layouts, narrowed, ravel, unravel } from "../test-utils.js";

/** Storage position of each element of `x`, in row-major order. */
const positions = (x: Tensor): number[] =>
  Array.from({ length: x.size }, (_, k) =>
    unravel(k, x.shape).reduce((p, v, d) => p + v * x.strides[d]!, x.offset),
  );

/** Brute force: do some strides show x's elements, in order, in `target` shape? */
function viewable(x: Tensor, target: readonly number[]): boolean {
  const p = positions(x);
  if (p.length === 0) return true;
  const st = target.map((d, i) =>
    d > 1
      ? p[
          ravel(
            target.map((_, j) => +(j === i)),
            target,
          )
        ]! - p[0]!
      : 0,
  );
  return p.every((v, k) => v === unravel(k, target).reduce((s, u, d) => s + u * st[d]!, p[0]!));
}

describe("reshape of strided input", () => {
  const x = T.reshape(T.arange(24), [4, 6]);

  it("is a view when the strides allow, as torch.reshape: split and merge within even chunks", () => {
    const n = T.narrow(x, 1, 0, 3); // [4, 3], strides [6, 1]
    const r = T.reshape(n, [2, 2, 3]);
    expect(r.data).toBe(x.data);
    expect(r.strides).toEqual([12, 6, 1]);
    expect(flat(r)).toEqual(flat(n));
    expect(T.reshape(n, [4, 1, 3]).data).toBe(x.data);
    const t = T.transpose(T.reshape(T.arange(12), [3, 4])); // [4, 3], strides [1, 4]
    const rt = T.reshape(t, [2, 2, 3]);
    expect(rt.data).toBe(t.data);
    expect(rt.strides).toEqual([2, 1, 4]);
    expect(flat(rt)).toEqual(flat(t));
    const e = T.expand(T.tensor([[1, 2, 3, 4]]), [3, 4]); // strides [0, 1]
    const re = T.reshape(e, [3, 2, 2]);
    expect(re.data).toBe(e.data);
    expect(re.strides).toEqual([0, 2, 1]);
    expect(flat(re)).toEqual(flat(e));
  });

  it("copies, in logical order, when no strides fit", () => {
    const n = T.narrow(x, 1, 0, 3);
    const r = T.reshape(n, [12]);
    expect(r.data).not.toBe(x.data);
    expect(flat(r)).toEqual(flat(n));
    const e = T.expand(T.tensor([[1, 2]]), [2, 2]);
    expect(T.reshape(e, [4]).toArray()).toEqual([1, 2, 1, 2]);
  });

  it("property: a view exactly when one exists (brute force), and always the elements in order", () => {
    const dims = fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(dims, fc.nat(3), fc.array(fc.nat(5), { maxLength: 6 }), fc.nat(99), (s, l, cuts, seed) => {
        const base = T.randn(s, { generator: new T.Generator(seed) });
        const all = layouts(base);
        const src = all[l % all.length]![1];
        // a random factorisation of the size, with size-1 axes sprinkled in
        const target: number[] = [];
        let rest = src.size;
        for (const c of cuts) {
          const divs = [...Array(rest + 1).keys()].filter((d) => d > 0 && rest % d === 0);
          const d = divs[c % divs.length]!;
          target.push(d);
          rest /= d;
        }
        target.push(rest);
        const r = T.reshape(src, target);
        expect(r.shape).toEqual(target);
        expect(flat(r)).toEqual(flat(src));
        expect(r.data === src.data, `${src.shape} ${src.strides} -> ${target}`).toBe(viewable(src, target));
      }),
      { seed: 77, numRuns: 300 },
    );
  });

  it("size-0 and scalar inputs reshape as views", () => {
    const z = T.narrow(T.zeros([3, 4]), 1, 0, 0);
    expect(T.reshape(z, [0, 5]).data).toBe(z.data);
    const s = T.tensor(7);
    expect(T.reshape(s, [1, 1]).strides).toEqual([1, 1]);
  });

  it("the gradient of a view-reshape of a strided input goes back through the view (finite differences)", () => {
    const g = new T.Generator(9);
    const v = narrowed(T.randn([4, 3], { dtype: "float64", generator: g }));
    // checkVjp needs reshape's recorded input to be the strided leaf itself: it must not have copied
    expect(checkVjp((a) => T.reshape(a, [2, 2, 3]), [v])).toBeLessThan(1e-6);
    const t = T.transpose(T.randn([3, 4], { dtype: "float64", generator: g }));
    expect(checkVjp((a) => T.reshape(a, [2, 2, 3]), [t])).toBeLessThan(1e-6);
    expect(checkVjp((a) => T.reshape(a, [4, 1, 3, 1]), [t])).toBeLessThan(1e-6);
  });
});
