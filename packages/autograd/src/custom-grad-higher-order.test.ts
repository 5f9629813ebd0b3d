// Honest higher order: a Hessian through a custom op whose backward is not differentiable is an
// error that names the op, never a silent zero.

import type { Tensor } from "@nablajs/tensor";
import * as T from "@nablajs/tensor";
import { assertAllClose } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { customGrad, grad, gradcheck, hessian, hvp } from "./index.js";

const f64 = { dtype: "float64" as const };
const x0 = () => T.tensor([0.3], f64);

/** sin with a backward computed outside tensor ops: right first derivatives, no second ones. */
const rawSin = customGrad(
  (x: Tensor) => T.sin(x),
  (g, [x]) => {
    const d = x!.toTypedArray().map(Math.cos);
    return [T.mul(g, T.tensor(d, { shape: x!.shape, ...f64 }))];
  },
  "rawSin",
);

/** sin with its backward written in tensor ops: differentiable again. */
const opsSin = customGrad(
  (x: Tensor) => T.sin(x),
  (g, [x]) => [T.mul(g, T.cos(x!))],
  "opsSin",
);

describe("second derivatives through customGrad", () => {
  it("a backward written with tensor ops gives the true Hessian -sin(0.3)", () => {
    const h = hessian((x: Tensor) => T.sum(opsSin(x)))(x0());
    assertAllClose(h, [[-Math.sin(0.3)]], { rtol: 1e-15 });
  });

  it("a backward computed outside tensor ops: first order works, the Hessian is an error naming the op", () => {
    expect(gradcheck(rawSin, [x0()])).toBe(true);
    const f = (x: Tensor) => T.sum(rawSin(x));
    expect(() => hessian(f)(x0())).toThrow(
      /rawSin: a higher-order derivative .* input 0 from the input.s values outside tensor ops/,
    );
    expect(() => hvp(f, x0(), T.ones([1], f64))).toThrow(/rawSin: .*Write its backward with tensor ops/);
    expect(() => grad((x: Tensor) => T.sum(grad(f)(x) as Tensor))(x0())).toThrow(/rawSin/);
  });

  it("inside a larger function, the error still names the custom op", () => {
    const f = (x: Tensor) => T.sum(T.tanh(T.mul(rawSin(T.exp(x)), 2)));
    expect(() => hessian(f)(T.tensor([0.1, 0.2], f64))).toThrow(/rawSin/);
  });

  it("{ differentiable: false } declares first order only: any higher-order pass through it throws", () => {
    const once = customGrad(
      (x: Tensor) => T.sin(x),
      (g, [x]) => [T.mul(g, T.cos(x!))],
      {
        name: "onceSin",
        differentiable: false,
      },
    );
    assertAllClose(grad((x: Tensor) => T.sum(once(x)))(x0()) as Tensor, [Math.cos(0.3)], { rtol: 1e-15 });
    expect(() => hessian((x: Tensor) => T.sum(once(x)))(x0())).toThrow(
      /onceSin: the op was declared first-order only/,
    );
  });

  it("{ differentiable: true } vouches for a linear op whose gradient is constant: its Hessian is 0", () => {
    const triple = customGrad(
      (x: Tensor) => T.mul(x, 3),
      (g) => [
        T.tensor(
          g.toTypedArray().map((v) => 3 * v),
          { shape: g.shape, ...f64 },
        ),
      ],
      { name: "triple", differentiable: true },
    );
    const h = hessian((x: Tensor) => T.sum(triple(x)))(T.tensor([1, 2], f64));
    expect(h.toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
    // the same op without the declaration cannot tell, and says so rather than guess
    const unsure = customGrad(
      (x: Tensor) => T.mul(x, 3),
      (g) => [
        T.tensor(
          g.toTypedArray().map((v) => 3 * v),
          { shape: g.shape, ...f64 },
        ),
      ],
      "unsure",
    );
    expect(() => hessian((x: Tensor) => T.sum(unsure(x)))(T.tensor([1, 2], f64))).toThrow(
      /unsure: .*differentiable: true/,
    );
  });
});
