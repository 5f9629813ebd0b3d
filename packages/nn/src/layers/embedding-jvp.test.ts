// The padded embedding's tangent rule is the transpose of its gradient: rows read at paddingIdx get
// no tangent, as the padding row gets no gradient (it is held constant), so forward and reverse
// mode agree (<v, J u> = <J^T v, u>) and a forward-over-reverse Hessian equals reverse over reverse.
import { grad, hessian, jacrev, jvp, vjp } from "@nablajs/autograd";
import { Generator, indexSelect, mul, randn, sum, type Tensor, tensor } from "@nablajs/tensor";
import { assertAllClose } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { embedding } from "./embedding.js";

const idx = tensor(
  [
    [2, 0, 2],
    [1, 2, 0],
  ],
  { dtype: "int32" },
);
const g = new Generator(5);
const f64 = (shape: number[]) => randn(shape, { dtype: "float64", generator: g });

describe("embedding in forward mode", () => {
  const [w, u] = [f64([3, 2]), f64([3, 2])];

  it("without padding the tangent is the rows of dW; with it, zero where paddingIdx was read", () => {
    assertAllClose(jvp((t: Tensor) => embedding(idx, t), [w], [u])[1], indexSelect(u, 0, idx), { rtol: 0 });
    const t = jvp((a: Tensor) => embedding(idx, a, 0), [w], [u])[1].toArray() as number[][][];
    expect(t[0]![1]).toEqual([0, 0]);
    expect(t[1]![2]).toEqual([0, 0]);
    expect(t[0]![0]).toEqual((u.toArray() as number[][])[2]);
  });

  it("is the transpose of the padded gradient, and Hessians agree in both modes", () => {
    const f = (a: Tensor) => embedding(idx, a, 2);
    const v = f64([2, 3, 2]);
    const [, back] = vjp(f, w);
    const lhs = sum(mul(v, jvp(f, [w], [u])[1])).item();
    expect(lhs).toBeCloseTo(sum(mul(back(v)[0]!, u)).item(), 12);
    const loss = (a: Tensor) =>
      sum(mul(embedding(idx, a.reshape([3, 2]), 2), embedding(idx, a.reshape([3, 2]), 1)));
    const flat = w.reshape([6]);
    assertAllClose(hessian(loss)(flat), jacrev(grad(loss) as (a: Tensor) => Tensor)(flat) as Tensor, {
      rtol: 1e-12,
      atol: 1e-14,
    });
  });
});
