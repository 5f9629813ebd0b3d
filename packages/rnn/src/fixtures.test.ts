import { type DType, mul, sum, type Tensor } from "@nablajs/tensor";
import { assertAllClose, fromFixture, loadFixture, tolerances } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { GRU, LSTM, RNN } from "./index.js";

// PyTorch 1.13 reference values (tooling/testing/fixtures/pytorch/rnn.json, float64).
const { cases } = loadFixture("rnn");

function build(c: any, dtype: DType) {
  const opts = { ...c.config, dtype };
  const layer = c.kind === "LSTM" ? new LSTM(opts) : c.kind === "GRU" ? new GRU(opts) : new RNN(opts);
  const dict = Object.fromEntries(
    Object.entries(c.stateDict).map(([k, v]) => [k, fromFixture(v as any, dtype)]),
  );
  layer.loadStateDict(dict);
  return layer;
}

const leaf = (f: any, dtype: DType): Tensor => {
  const t = fromFixture(f, dtype);
  t.requiresGrad = true;
  return t;
};

describe.each(["float64", "float32"] as const)("PyTorch rnn fixtures in %s", (dtype) => {
  const tol = dtype === "float64" ? tolerances(dtype) : { rtol: 1e-4, atol: 1e-5 };
  describe.each([
    ["fused", true],
    ["reference", false],
  ] as const)("%s path", (_, fused) => {
    it.each(cases.map((c) => [c.name, c]))("%s: outputs, final states and every gradient", (_name, c) => {
      const layer = build(c, dtype);
      const x = leaf(c.x, dtype);
      const h0 = leaf(c.h0, dtype);
      const c0 = c.c0 ? leaf(c.c0, dtype) : undefined;
      const r = layer.forward(x, c0 ? { h: h0, c: c0 } : { h: h0 }, { fused }) as {
        output: Tensor;
        h: Tensor;
        c?: Tensor;
      };
      assertAllClose(r.output, fromFixture(c.out), tol);
      assertAllClose(r.h, fromFixture(c.hn), tol);
      let loss = sum(mul(r.output, fromFixture(c.wOut, dtype))).add(sum(mul(r.h, fromFixture(c.wH, dtype))));
      if (c.cn) {
        assertAllClose(r.c!, fromFixture(c.cn), tol);
        loss = loss.add(sum(mul(r.c!, fromFixture(c.wC, dtype))));
      }
      loss.backward();
      assertAllClose(x.grad!, fromFixture(c.gradX), tol);
      assertAllClose(h0.grad!, fromFixture(c.gradH0), tol);
      if (c0) assertAllClose(c0.grad!, fromFixture(c.gradC0), tol);
      const params = new Map(layer.namedParameters());
      expect([...params.keys()]).toEqual(Object.keys(c.stateDict));
      for (const [name, g] of Object.entries(c.gradParams)) {
        assertAllClose(params.get(name)!.grad!, fromFixture(g as any), tol);
      }
    });
  });
});
