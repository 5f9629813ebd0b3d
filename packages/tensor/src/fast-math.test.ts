import { describe, expect, it } from "vitest";
import { expf, sigmoidf, tanhf } from "./fast-math.js";
import { Generator } from "./random.js";

const F32_EPS = 2 ** -23;

function worstRelative(f: (x: number) => number, ref: (x: number) => number, xs: number[]): number {
  let worst = 0;
  for (const x of xs) {
    // Compared as float32 values; below float32's normal range only the absolute error matters.
    const want = Math.fround(ref(x));
    const got = Math.fround(f(x));
    const rel = Math.abs(want) < 1e-37 ? Math.abs(got - want) : Math.abs(got - want) / Math.abs(want);
    worst = Math.max(worst, rel);
  }
  return worst;
}

describe("float32-accurate exp, tanh and sigmoid", () => {
  const g = new Generator(11);
  const xs = [0, -0, 1e-8, -1e-8, 0.5, -0.625, 0.625, 1, -3, 9.99, 10.01, 20, -20, 88, -87, -103];
  for (let i = 0; i < 20000; i++) xs.push((g.random() - 0.5) * 2 * (i % 2 ? 12 : 80));

  it("exp is within 2 float32 ulps of Math.exp", () => {
    expect(worstRelative(expf, Math.exp, xs)).toBeLessThan(2 * F32_EPS);
  });
  it("tanh is within 2 float32 ulps of Math.tanh", () => {
    expect(worstRelative(tanhf, Math.tanh, xs)).toBeLessThan(2 * F32_EPS);
  });
  it("sigmoid is within 2 float32 ulps", () => {
    expect(worstRelative(sigmoidf, (x) => 1 / (1 + Math.exp(-x)), xs)).toBeLessThan(2 * F32_EPS);
  });
  it("handles the edges like Math", () => {
    expect(expf(1000)).toBe(Number.POSITIVE_INFINITY);
    expect(expf(-1000)).toBe(0);
    expect(Number.isNaN(expf(Number.NaN))).toBe(true);
    expect(tanhf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(tanhf(Number.NEGATIVE_INFINITY)).toBe(-1);
    expect(Number.isNaN(tanhf(Number.NaN))).toBe(true);
    expect(sigmoidf(-1000)).toBe(0);
    expect(sigmoidf(1000)).toBe(1);
    expect(Object.is(tanhf(-0), -0)).toBe(true);
  });
});
