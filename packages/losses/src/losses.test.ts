import { gradcheck, gradgradcheck, gradients } from "@nablajs/autograd";
import { Generator, logSoftmax, rand, randint, randn, type Tensor, tensor } from "@nablajs/tensor";
import { assertAllClose } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { bceWithLogits, huber, l1, mse, nll } from "./index.js";

const f64 = { dtype: "float64" as const };
const gen = (s = 3) => new Generator(s);
const x = randn([4, 3], { ...f64, generator: gen(1) });
const t = randn([4, 3], { ...f64, generator: gen(2) });
const probs = rand([4, 3], { ...f64, generator: gen(5) });

describe("regression losses", () => {
  it.each([
    ["mse", mse],
    ["l1", l1],
    ["huber", (a: Tensor, b: Tensor, o: any) => huber(a, b, { delta: 0.7, ...o })],
  ] as const)("%s: gradcheck in both arguments for every reduction", (_, loss) => {
    for (const reduction of ["mean", "sum", "none"] as const) {
      expect(gradcheck((a, b) => loss(a, b, { reduction }), [x, t])).toBe(true);
    }
  });

  it("second derivatives of mse and huber pass gradgradcheck", () => {
    expect(gradgradcheck((a, b) => mse(a, b), [x, t])).toBe(true);
    expect(gradgradcheck((a, b) => huber(a, b, { delta: 0.7, reduction: "sum" }), [x, t])).toBe(true);
  });

  it("huber is quadratic inside delta and linear outside", () => {
    const d = tensor([0.5, -0.5, 3, -3], f64);
    const zero = tensor([0, 0, 0, 0], f64);
    assertAllClose(huber(d, zero, { delta: 2, reduction: "none" }), [0.125, 0.125, 2 * (3 - 1), 2 * (3 - 1)]);
  });
});

describe("bceWithLogits", () => {
  it("gradcheck and gradgradcheck, with and without posWeight", () => {
    const pw = tensor([0.5, 2, 3], f64);
    for (const reduction of ["mean", "sum", "none"] as const) {
      expect(gradcheck((a) => bceWithLogits(a, probs, { reduction }), [x])).toBe(true);
      expect(gradcheck((a, b) => bceWithLogits(a, b, { reduction, posWeight: pw }), [x, probs])).toBe(true);
    }
    expect(gradgradcheck((a) => bceWithLogits(a, probs, { posWeight: pw }), [x])).toBe(true);
  });

  it("matches -(p y log s(x) + (1 - y) log(1 - s(x))) and has gradient s(x) - y at x = 0", () => {
    const xs = [-3, -0.5, 0, 0.25, 4];
    const ys = [0, 1, 0.3, 1, 0.6];
    const p = 2.5;
    const s = (v: number) => 1 / (1 + Math.exp(-v));
    const ref = xs.map((v, i) => -(p * ys[i]! * Math.log(s(v)) + (1 - ys[i]!) * Math.log(1 - s(v))));
    const a = tensor(xs, { ...f64, requiresGrad: true });
    const out = bceWithLogits(a, tensor(ys, f64), { posWeight: p, reduction: "none" });
    assertAllClose(out, ref, { rtol: 1e-12 });
    const [g] = gradients([bceWithLogits(a, tensor(ys, f64), { reduction: "sum" })], [a], [tensor(1, f64)]);
    expect(g!.toArray()).toHaveLength(5);
    expect((g!.toArray() as number[])[2]).toBeCloseTo(0.5 - 0.3, 15);
  });

  it("stays finite and exact for logits of +-1e4", () => {
    const big = tensor([1e4, -1e4, 1e4], { ...f64, requiresGrad: true });
    const y = tensor([1, 0, 0], f64);
    const out = bceWithLogits(big, y, { reduction: "none" });
    assertAllClose(out, [0, 0, 1e4]);
    const [g] = gradients([bceWithLogits(big, y, { reduction: "sum" })], [big], [tensor(1, f64)]);
    assertAllClose(g!, [0, 0, 1]);
  });
});

describe("nll", () => {
  it("gradcheck with weights, ignoreIndex and every reduction", () => {
    const lp = logSoftmax(x, -1);
    const y = tensor([2, 0, 1, 2], { dtype: "int32" });
    const weight = tensor([0.3, 1.5, 2], f64);
    for (const reduction of ["mean", "sum", "none"] as const) {
      expect(gradcheck((a) => nll(a, y, { reduction, weight, ignoreIndex: 0 }), [lp])).toBe(true);
    }
    // -w[y] logp[y] / sum(w[y]) over non-ignored rows.
    const rows = lp.toArray() as number[][];
    const w = [0.3, 1.5, 2];
    const expected =
      -(w[2]! * rows[0]![2]! + w[1]! * rows[2]![1]! + w[2]! * rows[3]![2]!) / (w[2]! + w[1]! + w[2]!);
    expect(nll(lp, y, { weight, ignoreIndex: 0 }).item()).toBeCloseTo(expected, 14);
  });

  it("works on [..., C] batches with int32 targets from randint", () => {
    const lp = logSoftmax(randn([2, 3, 5], { ...f64, generator: gen() }), -1);
    const y = randint(0, 5, [2, 3], { generator: gen() });
    expect(nll(lp, y, { reduction: "none" }).shape).toEqual([2, 3]);
    expect(gradcheck((a) => nll(a, y), [lp])).toBe(true);
  });
});
