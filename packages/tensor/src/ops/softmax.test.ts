import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allClose, tolerances } from "../../../../tooling/testing/src/index.js";
import type { DType } from "../dtype.js";
import * as T from "../node.js";
import type { Tensor } from "../tensor.js";
import { unravel } from "../test-utils.js";

/** softmax written out along `axis`: exp(v - max) / sum(exp(v - max)), one lane at a time. */
function naiveSoftmax(x: Tensor, axis: number, log: boolean): number[] {
  const vals = x.toTypedArray();
  const out = new Array<number>(x.size);
  const lanes = new Map<string, number[]>();
  for (let i = 0; i < x.size; i++) {
    const idx = unravel(i, x.shape);
    idx[axis] = -1;
    const key = idx.join();
    if (!lanes.has(key)) lanes.set(key, []);
    lanes.get(key)!.push(i);
  }
  for (const lane of lanes.values()) {
    const m = Math.max(...lane.map((i) => vals[i]!));
    const s = lane.reduce((acc, i) => acc + Math.exp(vals[i]! - m), 0);
    for (const i of lane) out[i] = log ? vals[i]! - m - Math.log(s) : Math.exp(vals[i]! - m) / s;
  }
  return out;
}

const close = (a: Tensor, b: T.NestedArray | number[], dtype: DType, rtol?: number) => {
  const r = allClose(a, b, rtol ? { rtol, atol: 0 } : tolerances(dtype));
  expect(r.pass, r.message).toBe(true);
};

describe.each(["float32", "float64"] as const)("softmax, logSoftmax, logsumexp in %s", (dtype: DType) => {
  const g = new T.Generator(5);

  it("match the naive formulas along every axis, on contiguous and transposed inputs", () => {
    const x = T.mul(T.randn([3, 4, 5], { dtype, generator: g }), 3);
    for (let axis = -3; axis < 3; axis++) {
      const a = (axis + 3) % 3;
      for (const v of [x, T.transpose(T.contiguous(T.transpose(x)))]) {
        const r0 = allClose(T.softmax(v, axis).toTypedArray(), naiveSoftmax(x, a, false), tolerances(dtype));
        expect(r0.pass, r0.message).toBe(true);
        expect(T.softmax(v, axis).shape).toEqual([3, 4, 5]);
        const r = allClose(T.logSoftmax(v, axis).toTypedArray(), naiveSoftmax(x, a, true), tolerances(dtype));
        expect(r.pass, r.message).toBe(true);
      }
    }
    close(T.softmax(x).reshape([-1]), naiveSoftmax(x, 2, false), dtype); // default axis -1
    close(x.logSoftmax().reshape([-1]), naiveSoftmax(x, 2, true), dtype);
  });

  it("are finite and correct for logits of 1e4", () => {
    const x = T.tensor(
      [
        [1e4, 0, -1e4],
        [1e4, 1e4 - 1, 1e4 - 2],
      ],
      { dtype },
    );
    const s = T.softmax(x);
    expect(Array.from(s.toTypedArray()).every(Number.isFinite)).toBe(true);
    const z = 1 + Math.exp(-1) + Math.exp(-2);
    close(
      s,
      [
        [1, 0, 0],
        [1 / z, Math.exp(-1) / z, Math.exp(-2) / z],
      ],
      dtype,
    );
    close(
      T.logSoftmax(x),
      [
        [0, -1e4, -2e4],
        [-Math.log(z), -1 - Math.log(z), -2 - Math.log(z)],
      ],
      dtype,
      1e-6,
    );
    close(T.logsumexp(x, 1), [1e4, 1e4 + Math.log(z)], dtype, 1e-7);
    close(T.logsumexp(T.tensor([-1e4, -1e4], { dtype })), -1e4 + Math.log(2), dtype, 1e-7);
    close(T.logsumexp(T.tensor([[1e4], [1e4]], { dtype }), 0, true), [[1e4 + Math.log(2)]], dtype, 1e-7);
  });

  it("handle -Infinity entries and all -Infinity rows as PyTorch does", () => {
    const x = T.tensor(
      [
        [0, -Infinity, 0],
        [-Infinity, -Infinity, -Infinity],
        [-Infinity, 2, -Infinity],
      ],
      { dtype },
    );
    const s = T.softmax(x).toArray() as number[][];
    expect(s[0]).toEqual([0.5, 0, 0.5]);
    expect(s[2]).toEqual([0, 1, 0]);
    expect(s[1]!.every(Number.isNaN)).toBe(true); // 0/0, as torch.softmax
    const ls = T.logSoftmax(x).toArray() as number[][];
    close(T.tensor(ls[0]!, { dtype: "float64" }), [-Math.LN2, -Infinity, -Math.LN2], dtype);
    expect(ls[2]).toEqual([-Infinity, 0, -Infinity]);
    const lse = T.logsumexp(x, -1).toArray() as number[];
    close(T.tensor(lse, { dtype: "float64" }), [Math.LN2, -Infinity, 2], dtype);
    expect(T.logsumexp(T.tensor([-Infinity, -Infinity], { dtype })).item()).toBe(-Infinity);
    expect(T.logsumexp(T.tensor([Infinity, 0], { dtype })).item()).toBe(Infinity);
  });

  it("logsumexp over several axes, keepdims, and scalars", () => {
    const x = T.randn([2, 3, 4], { dtype, generator: g });
    const want = Math.log(Array.from(x.toTypedArray()).reduce((a, v) => a + Math.exp(v), 0));
    close(T.logsumexp(x), want, dtype);
    expect(T.logsumexp(x).shape).toEqual([]);
    expect(T.logsumexp(x, [0, 2], true).shape).toEqual([1, 3, 1]);
    close(
      T.reshape(T.logsumexp(x, [0, 2], true), [3]),
      T.logsumexp(T.transpose(x, [1, 0, 2]), [1, 2]).toArray(),
      dtype,
    );
    close(T.logsumexp(T.tensor(1.5, { dtype })), 1.5, dtype);
  });

  it("property: softmax rows sum to 1 and logSoftmax = log(softmax)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.double({ min: 0.1, max: 50, noNaN: true }),
        fc.nat(999),
        (b, c, scale, seed) => {
          const x = T.mul(T.randn([b, c], { dtype, generator: new T.Generator(seed) }), scale);
          close(T.sum(T.softmax(x), -1), new Array(b).fill(1), dtype);
          const p = T.softmax(x, 0);
          close(T.sum(p, 0), new Array(c).fill(1), dtype);
          const r = allClose(T.exp(T.logSoftmax(x)), T.softmax(x), tolerances(dtype));
          expect(r.pass, r.message).toBe(true);
        },
      ),
      { seed: 77, numRuns: 80 },
    );
  });
});
