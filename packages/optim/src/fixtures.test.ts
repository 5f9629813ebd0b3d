import type { Tensor } from "@nablajs/tensor";
import { allClose, fromFixture, loadFixture, tolerances } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { Adagrad, Adam, AdamW, type Optimizer, RMSprop, SGD } from "./index.js";

const ctors: Record<string, new (params: Tensor[], options: any) => Optimizer<any, any>> = {
  SGD,
  Adam,
  AdamW,
  RMSprop,
  Adagrad,
};

describe.each(["float64", "float32"] as const)("optim.json against PyTorch in %s", (dtype) => {
  it.each(loadFixture("optim").cases.map((c: any) => [c.name, c]))("%s", (_, c: any) => {
    const params = c.params.map((p: any) => fromFixture(p, dtype));
    const opt = new ctors[c.optimizer]!(params, c.kwargs);
    // float64 agrees with PyTorch to the last digits (the same operations in the same order).
    const tol = dtype === "float64" ? { rtol: 0, atol: 0 } : tolerances(dtype);
    c.grads.forEach((stepGrads: any[], step: number) => {
      params.forEach((p: Tensor, i: number) => {
        p.grad = fromFixture(stepGrads[i], dtype);
      });
      opt.step();
      params.forEach((p: Tensor, i: number) => {
        const r = allClose(p, fromFixture(c.trajectory[step][i]), tol);
        expect(r.pass, `step ${step + 1}, parameter ${i}: ${r.message}`).toBe(true);
      });
    });
  });
});
