// scaledDotProductAttention: the formula written out by hand, its masks (int32: 1 = may attend,
// float: added), causal, scale, batch broadcasting, the fused and op-by-op paths agreeing,
// dropout drawn from a seeded generator, and its errors.
import { Generator, matmul, mT, randn, softmax, Tensor, tensor } from "@nablajs/tensor";
import { assertAllClose } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { causalMask } from "./mask.js";
import { scaledDotProductAttention as sdpa } from "./sdpa.js";

const tol = { rtol: 1e-12, atol: 1e-14 };
const g = new Generator(11);
const r = (shape: number[]) => randn(shape, { dtype: "float64", generator: g });

describe("scaledDotProductAttention", () => {
  const [q, k, v] = [r([2, 3, 4, 5]), r([2, 3, 6, 5]), r([2, 3, 6, 2])];
  const byHand = (mask: Tensor | null, scale = 1 / Math.sqrt(5)) => {
    let s = matmul(q, mT(k)).mul(scale);
    if (mask) s = s.add(mask);
    return matmul(softmax(s, -1), v);
  };
  it("is softmax(q kᵀ / sqrt(E)) v, fused or not", () => {
    assertAllClose(sdpa(q, k, v), byHand(null), tol);
    assertAllClose(sdpa(q, k, v, { fused: false }), byHand(null), tol);
    assertAllClose(sdpa(q, k, v, { scale: 0.3 }), byHand(null, 0.3), tol);
  });
  it("int32 masks mark the keys that may be attended; float masks are added", () => {
    const allowed = tensor([[1, 1, 0, 1, 0, 1]], { dtype: "int32" }); // [1, S] broadcast over rows
    const additive = new Tensor(Float64Array.from([0, 0, -Infinity, 0, -Infinity, 0]), [1, 6]);
    assertAllClose(sdpa(q, k, v, { attnMask: allowed }), byHand(additive), tol);
    const f = r([4, 6]);
    assertAllClose(sdpa(q, k, v, { attnMask: f }), byHand(f), tol);
    assertAllClose(sdpa(q, k, v, { attnMask: f, fused: false }), byHand(f), tol);
  });
  it("isCausal masks keys after each query (top-left when L != S)", () => {
    assertAllClose(sdpa(q, k, v, { isCausal: true }), byHand(causalMask(4, 6, "float64")), tol);
    expect(Array.from(causalMask(2, 3, "float64").toTypedArray())).toEqual([
      0,
      -Infinity,
      -Infinity,
      0,
      0,
      -Infinity,
    ]);
  });
  it("broadcasts batch axes and takes rank-2 and rank-5 inputs", () => {
    const k1 = k.narrow(0, 0, 1); // [1, 3, 6, 5] against q [2, 3, 4, 5]
    const v1 = v.narrow(0, 0, 1);
    const want = matmul(softmax(matmul(q, mT(k1)).mul(1 / Math.sqrt(5)), -1), v1);
    assertAllClose(sdpa(q, k1, v1), want, tol);
    const q2 = q.narrow(0, 0, 1).narrow(1, 0, 1).reshape([4, 5]);
    const [k2, v2] = [
      k.narrow(0, 0, 1).narrow(1, 0, 1).reshape([6, 5]),
      v.narrow(0, 0, 1).narrow(1, 0, 1).reshape([6, 2]),
    ];
    assertAllClose(
      sdpa(q2, k2, v2, { isCausal: true }),
      sdpa(q2, k2, v2, { isCausal: true, fused: false }),
      tol,
    );
    const [q5, k5, v5] = [q.reshape([2, 3, 1, 4, 5]), k.reshape([2, 3, 1, 6, 5]), v.reshape([2, 3, 1, 6, 2])];
    assertAllClose(sdpa(q5, k5, v5).reshape([2, 3, 4, 2]), byHand(null), tol);
  });
  it("gradients agree between the fused and op-by-op paths", () => {
    const xs = [q, k, v].map((t) => Object.assign(t.detach(), { requiresGrad: true }) as Tensor);
    const run = (fused: boolean) => {
      for (const x of xs) x.grad = null;
      sdpa(xs[0]!, xs[1]!, xs[2]!, { isCausal: true, fused }).square().sum().backward();
      return xs.map((x) => x.grad!);
    };
    const [a, b] = [run(true), run(false)];
    for (const [i, d] of a.entries()) assertAllClose(d, b[i]!, { rtol: 1e-11, atol: 1e-13 });
  });
  it("dropout on the weights: seeded, and off at p = 0", () => {
    const once = (seed: number) => sdpa(q, k, v, { dropoutP: 0.5, generator: new Generator(seed) });
    assertAllClose(once(3), once(3), { rtol: 0 });
    expect(once(3).sub(once(4)).abs().max().item()).toBeGreaterThan(0);
    expect(once(3).sub(byHand(null)).abs().max().item()).toBeGreaterThan(0);
    assertAllClose(sdpa(q, k, v, { dropoutP: 0, generator: new Generator(3) }), byHand(null), tol);
  });
  it("bad input throws naming the problem", () => {
    expect(() => sdpa(q, k.narrow(3, 0, 4), v)).toThrow(/query \[\.\.\., L, E\], key \[\.\.\., S, E\]/);
    expect(() => sdpa(q, k, v.astype("float32"))).toThrow(/must share a float dtype/);
    expect(() => sdpa(q, k, v, { dropoutP: 1 })).toThrow(/dropoutP must be in \[0, 1\), got 1/);
    expect(() => sdpa(q, k, v, { attnMask: r([5, 6]) })).toThrow(
      /attnMask \[5,6\] does not broadcast to \[2,3,4,6\]/,
    );
    expect(() => sdpa(q, k, v, { attnMask: r([4, 6]).astype("float32") })).toThrow(
      /attnMask is float32 but the inputs are float64/,
    );
    expect(() => sdpa(q.reshape([-1]), k, v)).toThrow(/query must have at least 2 axes/);
    expect(() => sdpa(q, k, v, { scale: Number.NaN })).toThrow(/scale must be a finite number/);
  });
});
