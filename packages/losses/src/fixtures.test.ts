import { gradients } from "@nablajs/autograd";
import type { Tensor } from "@nablajs/tensor";
import { allClose, fromFixture, loadFixture, tolerances } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { bceWithLogits, crossEntropy, huber, l1, mse, nll } from "./index.js";

const losses: Record<string, (x: Tensor, y: Tensor, opts: any) => Tensor> = {
  crossEntropy,
  nll,
  mse,
  l1,
  huber,
  bceWithLogits,
};
const cases = loadFixture("losses").cases;

describe.each(["float64", "float32"] as const)("losses.json against PyTorch in %s", (dtype) => {
  it.each(cases.map((c: any) => [c.name, c]))("%s", (_, c: any) => {
    const x = fromFixture(c.args[0], dtype);
    x.requiresGrad = true;
    const y = fromFixture(c.args[1], dtype);
    const out = losses[c.loss]!(x, y, c.kwargs ?? {});
    const tol = tolerances(dtype);
    const r = allClose(out, fromFixture(c.out), tol);
    expect(r.pass, r.message).toBe(true);
    const [g] = gradients([out], [x], [fromFixture(c.cotangent, dtype)]);
    const rg = allClose(g!, fromFixture(c.grad), tol);
    expect(rg.pass, `gradient: ${rg.message}`).toBe(true);
  });
});
