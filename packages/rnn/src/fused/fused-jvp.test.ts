// Forward mode through the fused sequence op: its tangent rule runs the reference path with the
// tangents, so J u must equal the reference direction's and central differences, and a
// forward-over-reverse Hessian through it must equal reverse over reverse.
import { grad, hessian, jacrev, jvp } from "@nablajs/autograd";
import { add, concat, Generator, mul, randn, reshape, sub, sum, type Tensor } from "@nablajs/tensor";
import { assertAllClose } from "@nablajs/testing";
import { describe, it } from "vitest";
import type { CellKind } from "../direction.js";
import { referenceDirection } from "../reference/reference-direction.js";
import { fusedDirection } from "./fused-direction.js";

const kinds: CellKind[] = ["LSTM", "GRU", "RNN_TANH", "RNN_RELU"];
const exact = { rtol: 1e-11, atol: 1e-13 };

/** x [T, B, I], h0, (c0), W_ih, W_hh, b_ih, b_hh of one direction, float64. */
function operands(kind: CellKind, g: Generator, [T, B, I, H]: number[]): Tensor[] {
  const G = kind === "LSTM" ? 4 : kind === "GRU" ? 3 : 1;
  const r = (shape: number[], s = 1) => mul(randn(shape, { dtype: "float64", generator: g }), s);
  const state = kind === "LSTM" ? [r([B!, H!]), r([B!, H!])] : [r([B!, H!])];
  return [
    r([T!, B!, I!]),
    ...state,
    r([G * H!, I!], 0.7),
    r([G * H!, H!], 0.7),
    r([G * H!], 0.5),
    r([G * H!], 0.5),
  ];
}

const flat = (outs: Tensor[]) => concat(outs.map((o) => reshape(o, [-1])));

describe.each(kinds)("%s sequence in forward mode", (kind) => {
  const spec = { kind, reverse: true, lengths: Int32Array.from([3, 1]) };
  const fused = (...xs: Tensor[]) => flat(fusedDirection(spec, xs));
  const reference = (...xs: Tensor[]) => flat(referenceDirection(spec, xs));

  it("J u equals the reference direction's and central differences", () => {
    const g = new Generator(21);
    const xs = operands(kind, g, [3, 2, 2, 3]);
    const us = xs.map((x) => randn(x.shape.slice(), { dtype: "float64", generator: g }));
    const [, t] = jvp(fused, xs, us);
    assertAllClose(t, jvp(reference, xs, us)[1], exact);
    const eps = 1e-6;
    const at = (s: number) => fused(...xs.map((x, i) => add(x, mul(us[i]!, s))));
    assertAllClose(t, mul(sub(at(eps), at(-eps)), 1 / (2 * eps)), { rtol: 1e-6, atol: 1e-8 });
  });

  it("a forward-over-reverse Hessian in the input weights equals reverse over reverse", () => {
    const xs = operands(kind, new Generator(5), [3, 2, 2, 2]);
    const w = 2 + (kind === "LSTM" ? 1 : 0); // W_ih's position
    const loss = (wih: Tensor) => {
      const ins = xs.slice();
      ins[w] = reshape(wih, xs[w]!.shape.slice());
      return sum(mul(fused(...ins), 0.5));
    };
    const w0 = reshape(xs[w]!, [-1]);
    assertAllClose(hessian(loss)(w0), jacrev(grad(loss) as (v: Tensor) => Tensor)(w0) as Tensor, exact);
  });
});
