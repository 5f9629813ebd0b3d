import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fma, mulAdd, powInt } from "./fma.js";

describe("fma", () => {
  it("rounds a * b + c once: keeps the low bits a separate multiply-add loses", () => {
    const a = 1 + 2 ** -30;
    const b = 1 - 2 ** -30;
    expect(a * b - 1).toBe(0); // the product rounds to 1 first
    expect(fma(a, b, -1)).toBe(-(2 ** -60)); // exact: (1 - 2^-60) - 1
    expect(mulAdd(true, a, b, -1)).toBe(-(2 ** -60));
    expect(mulAdd(false, a, b, -1)).toBe(0);
  });

  it("agrees with a * b + c whenever the product is exact (small integers)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e6, max: 1e6 }),
        fc.integer({ min: -1e6, max: 1e6 }),
        fc.double({ noNaN: true, min: -1e6, max: 1e6 }),
        (a, b, c) => {
          expect(fma(a, b, c)).toBe(a * b + c);
        },
      ),
    );
  });

  it("passes infinities and huge values through", () => {
    expect(fma(1e300, 1e10, 0)).toBe(Infinity);
    expect(fma(Infinity, 2, 1)).toBe(Infinity);
    expect(Number.isNaN(fma(Number.NaN, 1, 1))).toBe(true);
  });
});

describe("powInt", () => {
  it("is correctly rounded (references computed with exact rational arithmetic)", () => {
    expect(powInt(0.99, 6)).toBe(0.941480149401);
    expect(powInt(0.9, 4)).toBe(0.6561);
    expect(powInt(0.999, 10000)).toBe(4.517334597704824e-5);
    expect(powInt(0.9999, 8480)).toBe(0.4282524577128705);
  });

  it("handles n = 0 and falls back to ** for other exponents", () => {
    expect(powInt(0.9, 0)).toBe(1);
    expect(powInt(2, 0.5)).toBe(Math.SQRT2);
    expect(powInt(2, 10)).toBe(1024);
  });
});
