import { gradcheck } from "@nablajs/autograd";
import { Generator, mul, narrow, randn, reshape, stack, sum, type Tensor, zeros } from "@nablajs/tensor";
import { assertAllClose, fromFixture, loadFixture, tolerances } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { GRUCell } from "./gru-cell.js";
import { LSTMCell } from "./lstm-cell.js";
import { RNNCell } from "./rnn-cell.js";
import { type CellWeights, gruStep, lstmStep, rnnStep } from "./steps.js";

const r = (g: Generator, shape: number[], scale = 1) =>
  randn(shape, { dtype: "float64", generator: g }).mul(scale);

/** Three steps of a cell as a function of (x [3, B, I], h, (c), W_ih, W_hh, b_ih, b_hh), for gradcheck. */
function threeSteps(kind: "RNN" | "RNN_RELU" | "LSTM" | "GRU") {
  return (...a: Tensor[]): Tensor => {
    const [x, h0] = a as [Tensor, Tensor];
    const k = kind === "LSTM" ? 3 : 2;
    const w: CellWeights = { wih: a[k]!, whh: a[k + 1]!, bih: a[k + 2]!, bhh: a[k + 3]! };
    let h = h0;
    let c = kind === "LSTM" ? a[2]! : null;
    const hs: Tensor[] = [];
    for (let t = 0; t < 3; t++) {
      const xt = reshape(narrow(x, 0, t, 1), [x.shape[1]!, x.shape[2]!]);
      if (kind === "LSTM") ({ h, c } = lstmStep(xt, h, c!, w));
      else if (kind === "GRU") h = gruStep(xt, h, w);
      else h = rnnStep(xt, h, w, kind === "RNN" ? "tanh" : "relu");
      hs.push(h);
      if (c) hs.push(c);
    }
    return stack(hs, 0);
  };
}

describe("cells", () => {
  it.each([
    ["RNN", 1],
    ["RNN_RELU", 1],
    ["LSTM", 4],
    ["GRU", 3],
  ] as const)("%s: gradcheck through 3 time steps (float64)", (kind, G) => {
    const g = new Generator(1);
    const [B, I, H] = [2, 3, 2];
    const state = kind === "LSTM" ? [r(g, [B, H]), r(g, [B, H])] : [r(g, [B, H])];
    const inputs = [
      r(g, [3, B, I]),
      ...state,
      r(g, [G * H, I], 0.6),
      r(g, [G * H, H], 0.6),
      r(g, [G * H], 0.3),
      r(g, [G * H], 0.3),
    ];
    expect(gradcheck(threeSteps(kind), inputs)).toBe(true);
  });

  // A cell stepped through the sequence must reproduce PyTorch's one-layer fixtures.
  const { cases } = loadFixture("rnn");
  it.each(cases.filter((c) => c.config.numLayers === 1).map((c) => [c.name, c]))(
    "%s: the cell stepped over the sequence matches PyTorch (values and gradients)",
    (_, c) => {
      const opts = {
        inputSize: c.config.inputSize,
        hiddenSize: c.config.hiddenSize,
        dtype: "float64" as const,
      };
      const cell =
        c.kind === "LSTM" ? new LSTMCell(opts) : c.kind === "GRU" ? new GRUCell(opts) : new RNNCell(opts);
      cell.loadStateDict(
        Object.fromEntries(
          Object.entries(c.stateDict).map(([k, v]) => [k.replace("_l0", ""), fromFixture(v as any)]),
        ),
      );
      const x = fromFixture(c.x);
      const [T, B, H] = [x.shape[0]!, x.shape[1]!, c.config.hiddenSize];
      const leafOf = (f: any) => {
        const t = reshape(fromFixture(f), [B, H]).detach();
        t.requiresGrad = true;
        return t;
      };
      const h0 = leafOf(c.h0);
      const c0 = c.c0 ? leafOf(c.c0) : null;
      let h = h0;
      let cc = c0;
      const hs: Tensor[] = [];
      for (let t = 0; t < T; t++) {
        const xt = reshape(narrow(x, 0, t, 1), [B, c.config.inputSize]);
        if (cell instanceof LSTMCell) ({ h, c: cc } = cell.forward(xt, { h, c: cc! }));
        else h = cell.forward(xt, h);
        hs.push(h);
      }
      const tol = tolerances("float64");
      assertAllClose(stack(hs, 0), fromFixture(c.out), tol);
      assertAllClose(h, reshape(fromFixture(c.hn), [B, H]), tol);
      let loss = sum(mul(stack(hs, 0), fromFixture(c.wOut))).add(
        sum(mul(h, reshape(fromFixture(c.wH), [B, H]))),
      );
      if (cc) loss = loss.add(sum(mul(cc, reshape(fromFixture(c.wC), [B, H]))));
      loss.backward();
      assertAllClose(h0.grad!, reshape(fromFixture(c.gradH0), [B, H]), tol);
      if (c0) assertAllClose(c0.grad!, reshape(fromFixture(c.gradC0), [B, H]), tol);
      for (const [name, p] of cell.namedParameters()) {
        assertAllClose(p.grad!, fromFixture(c.gradParams[`${name}_l0`]), tol);
      }
    },
  );

  it("have PyTorch's parameter names, shapes and initialisation range", () => {
    const cell = new LSTMCell({ inputSize: 3, hiddenSize: 16, generator: new Generator(2) });
    const named = cell.namedParameters();
    expect(named.map(([n, p]) => [n, p.shape])).toEqual([
      ["weight_ih", [64, 3]],
      ["weight_hh", [64, 16]],
      ["bias_ih", [64]],
      ["bias_hh", [64]],
    ]);
    for (const [, p] of named) {
      const v = p.toTypedArray();
      expect(Math.max(...v)).toBeLessThanOrEqual(0.25);
      expect(Math.min(...v)).toBeGreaterThanOrEqual(-0.25);
      expect(Math.max(...v) - Math.min(...v)).toBeGreaterThan(0.4);
    }
    expect(
      new GRUCell({ inputSize: 2, hiddenSize: 3, bias: false }).namedParameters().map(([n]) => n),
    ).toEqual(["weight_ih", "weight_hh"]);
  });

  it("start from zeros when the state is omitted, and accept h or { h }", () => {
    const g = new Generator(3);
    const x = randn([2, 3], { generator: g });
    for (const cell of [
      new RNNCell({ inputSize: 3, hiddenSize: 4 }),
      new GRUCell({ inputSize: 3, hiddenSize: 4 }),
    ]) {
      const zero = zeros([2, 4]);
      assertAllClose(cell.forward(x), cell.forward(x, zero), { rtol: 0, atol: 0 });
      assertAllClose(cell.forward(x, { h: zero }), cell.forward(x, zero), { rtol: 0, atol: 0 });
    }
    const lstm = new LSTMCell({ inputSize: 3, hiddenSize: 4 });
    assertAllClose(lstm.forward(x).c, lstm.forward(x, { h: zeros([2, 4]), c: zeros([2, 4]) }).c, {
      rtol: 0,
      atol: 0,
    });
  });

  it("reject bad options, inputs and states with clear errors", () => {
    expect(() => new LSTMCell({ inputSize: 0, hiddenSize: 2 })).toThrow(
      "LSTMCell: inputSize must be a positive integer, got 0",
    );
    expect(() => new RNNCell({ inputSize: 2, hiddenSize: 2, nonlinearity: "sigmoid" as any })).toThrow(
      "RNNCell: nonlinearity must be 'tanh' or 'relu', got sigmoid",
    );
    expect(() => new GRUCell({ inputSize: 2, hiddenSize: 2, dtype: "int32" })).toThrow(
      "GRUCell: dtype must be float32",
    );
    const cell = new LSTMCell({ inputSize: 3, hiddenSize: 4 });
    expect(() => cell.forward(zeros([2, 5]))).toThrow(
      "LSTMCell: expected input [B, 3] (batch, inputSize), got [2,5]",
    );
    expect(() => cell.forward(zeros([3]))).toThrow("LSTMCell: expected input [B, 3]");
    expect(() => cell.forward(zeros([2, 3]), { h: zeros([2, 3]) })).toThrow(
      "LSTMCell: state h must be [2, 4] (batch, hiddenSize), got [2,3]",
    );
    expect(() => cell.forward(zeros([2, 3], { dtype: "float64" }))).toThrow(
      "LSTMCell: input is float64 but the parameters are float32",
    );
  });
});
