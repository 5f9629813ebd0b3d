import type { Tensor } from "@nablajs/tensor";
import * as T from "@nablajs/tensor";
import { describe, expect, it } from "vitest";
import { detectAnomaly, grad } from "./index.js";

const f64 = (data: T.NestedArray) => T.tensor(data, { dtype: "float64", requiresGrad: true });

/** The error `fn` throws (fails the test if it does not). */
function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error");
}

describe("detectAnomaly", () => {
  it("names sqrt when its gradient at 0 is Inf, with the forward call site", () => {
    const x = f64([0, 1]);
    const e = errorOf(() => detectAnomaly(() => T.sum(T.sqrt(x)).backward()));
    expect(e.message).toMatch(/gradient of 'sqrt' for its input 0 \[2\] contains NaN or Inf/);
    expect(e.message).toMatch(/anomaly\.test\.ts/); // the line that called sqrt
  });

  it("names log when its forward output is NaN (log of a negative number)", () => {
    const x = f64([-1, 2]);
    const e = errorOf(() => detectAnomaly(() => T.sum(T.square(T.log(x))).backward()));
    expect(e.message).toMatch(/forward output \[2\] of 'log' contains NaN although its inputs do not/);
    expect(e.message).toMatch(/anomaly\.test\.ts/);
  });

  it("names log when its gradient at 0 is Inf", () => {
    const x = f64([0, 2]);
    const e = errorOf(() => detectAnomaly(() => T.sum(T.log(x)).backward()));
    expect(e.message).toMatch(/gradient of 'log'/);
  });

  it("names the op where the NaN starts, not the ones it flows through: 0 * Inf in mul", () => {
    const x = f64([0, 1]);
    const big = f64([Infinity, 1]);
    const e = errorOf(() => detectAnomaly(() => T.sum(T.exp(T.tanh(T.mul(x, big)))).backward()));
    expect(e.message).toMatch(/of 'mul' contains NaN/);
  });

  it("names a division by zero in backward", () => {
    const a = f64([1, 2]);
    const b = f64([0, 1]);
    const e = errorOf(() => detectAnomaly(() => T.sum(T.div(a, b)).backward()));
    expect(e.message).toMatch(/'div'/);
  });

  it("works through the functional transforms", () => {
    const f = (x: Tensor) => T.sum(T.sqrt(x));
    expect(() => detectAnomaly(() => grad(f)(T.tensor([0, 4], { dtype: "float64" })))).toThrow(/'sqrt'/);
  });

  it("is silent when every value is finite, and off outside detectAnomaly", () => {
    const x = f64([1, 4]);
    detectAnomaly(() => T.sum(T.sqrt(x)).backward());
    expect(x.grad?.toArray()).toEqual([0.5, 0.25]);
    const z = f64([0, 1]);
    T.sum(T.sqrt(z)).backward(); // no check: the Inf gradient is returned as PyTorch does
    expect(z.grad?.toArray()).toEqual([Infinity, 0.5]);
  });

  it("says the call site is missing when only backward ran under detectAnomaly", () => {
    const x = f64([0]);
    const y = T.sum(T.sqrt(x));
    expect(() => detectAnomaly(() => y.backward())).toThrow(/call site not recorded/);
  });

  it("restores the previous mode after a throw and returns fn's value", () => {
    expect(detectAnomaly(() => 42)).toBe(42);
    const x = f64([0]);
    expect(() => detectAnomaly(() => T.sum(T.sqrt(x)).backward())).toThrow();
    T.sum(T.sqrt(f64([0]))).backward(); // would throw if the mode had stayed on
  });
});
