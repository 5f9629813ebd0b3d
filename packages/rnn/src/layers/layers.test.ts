import { loadSafetensors, saveSafetensors } from "@nablajs/nn";
import { Generator, narrow, randn, sum, type Tensor, zeros } from "@nablajs/tensor";
import { assertAllClose } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { leaf } from "../test-helpers.js";
import { GRU } from "./gru.js";
import { LSTM } from "./lstm.js";
import { RNN } from "./rnn.js";

const exact = { rtol: 0, atol: 0 };
const close = { rtol: 1e-12, atol: 1e-14 };

describe("layer shapes and parameters", () => {
  it("registers PyTorch's names in PyTorch's order, with the layer-k input sizes", () => {
    const lstm = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true });
    const names = lstm.namedParameters().map(([n, p]) => `${n} ${p.shape.join("x")}`);
    const block = (l: number, sfx: string, inSize: number) => [
      `weight_ih_l${l}${sfx} 16x${inSize}`,
      `weight_hh_l${l}${sfx} 16x4`,
      `bias_ih_l${l}${sfx} 16`,
      `bias_hh_l${l}${sfx} 16`,
    ];
    expect(names).toEqual([
      ...block(0, "", 3),
      ...block(0, "_reverse", 3),
      ...block(1, "", 8),
      ...block(1, "_reverse", 8),
    ]);
    expect(new GRU({ inputSize: 2, hiddenSize: 3, bias: false }).namedParameters().map(([n]) => n)).toEqual([
      "weight_ih_l0",
      "weight_hh_l0",
    ]);
  });

  it("returns output [T, B, D H] (or [B, T, D H] batch-first) and states [L D, B, H]", () => {
    const g = new Generator(1);
    const gru = new GRU({
      inputSize: 3,
      hiddenSize: 4,
      numLayers: 3,
      bidirectional: true,
      batchFirst: true,
      generator: g,
    });
    const { output, h } = gru.forward(randn([2, 5, 3], { generator: g }));
    expect(output.shape).toEqual([2, 5, 8]);
    expect(h.shape).toEqual([6, 2, 4]);
    const lstm = new LSTM({ inputSize: 3, hiddenSize: 4, generator: g });
    const r = lstm.forward(randn([5, 2, 3], { generator: g }));
    expect([r.output.shape, r.h.shape, r.c.shape]).toEqual([
      [5, 2, 4],
      [1, 2, 4],
      [1, 2, 4],
    ]);
  });

  it("follows to(dtype)", () => {
    const rnn = new RNN({ inputSize: 2, hiddenSize: 3, nonlinearity: "relu" }).to("float64");
    expect(rnn.forward(zeros([4, 1, 2], { dtype: "float64" })).output.dtype).toBe("float64");
    expect(rnn.toString()).toContain("RNN(2, 3, nonlinearity=relu)");
  });
});

describe("padded batches (lengths)", () => {
  it.each([
    ["LSTM", true],
    ["LSTM", false],
    ["GRU", true],
    ["RNN", true],
  ] as const)("%s (fused %s): each entry equals its own unpadded sequence", (kind, fused) => {
    const g = new Generator(8);
    const opts = {
      inputSize: 3,
      hiddenSize: 4,
      numLayers: 2,
      bidirectional: true,
      dtype: "float64" as const,
      generator: g,
    };
    const layer = kind === "LSTM" ? new LSTM(opts) : kind === "GRU" ? new GRU(opts) : new RNN(opts);
    const [T, B] = [5, 3];
    const lengths = [5, 2, 4];
    const x = randn([T, B, 3], { dtype: "float64", generator: g });
    const h0 = randn([4, B, 4], { dtype: "float64", generator: g });
    const c0 = randn([4, B, 4], { dtype: "float64", generator: g });
    const all = layer.forward(x, { h: h0, c: c0 }, { lengths, fused }) as {
      output: Tensor;
      h: Tensor;
      c?: Tensor;
    };
    lengths.forEach((n, b) => {
      const xb = narrow(narrow(x, 1, b, 1), 0, 0, n);
      const one = layer.forward(
        xb,
        { h: narrow(h0, 1, b, 1), c: narrow(c0, 1, b, 1) },
        { fused },
      ) as typeof all;
      assertAllClose(narrow(narrow(all.output, 1, b, 1), 0, 0, n), one.output, close);
      assertAllClose(narrow(all.h, 1, b, 1), one.h, close);
      if (one.c) assertAllClose(narrow(all.c!, 1, b, 1), one.c, close);
      if (n < T)
        assertAllClose(
          narrow(narrow(all.output, 1, b, 1), 0, n, T - n),
          zeros([T - n, 1, 8], { dtype: "float64" }),
          exact,
        );
    });
  });

  it("accepts lengths as an Int32Array or an int32 tensor", () => {
    const lstm = new LSTM({ inputSize: 2, hiddenSize: 3, generator: new Generator(1) });
    const x = randn([4, 2, 2], { generator: new Generator(2) });
    const a = lstm.forward(x, undefined, { lengths: [4, 2] });
    const b = lstm.forward(x, undefined, { lengths: Int32Array.from([4, 2]) });
    assertAllClose(a.output, b.output, exact);
  });
});

describe("dropout between layers", () => {
  const make = (dropout: number) =>
    new LSTM({
      inputSize: 3,
      hiddenSize: 8,
      numLayers: 2,
      dropout,
      dtype: "float64",
      generator: new Generator(4),
    });
  const x = randn([6, 2, 3], { dtype: "float64", generator: new Generator(5) });

  it("is active only in training mode, seeded by the generator", () => {
    const plain = make(0).forward(x).output;
    const dropped = make(0.5);
    const a = dropped.forward(x).output;
    expect(sum(a.sub(plain).abs()).item()).toBeGreaterThan(1e-3);
    assertAllClose(make(0.5).forward(x).output, a, exact); // the same seed gives the same masks
    dropped.eval();
    assertAllClose(dropped.forward(x).output, plain, exact);
  });

  it("gives the same numbers on the fused and the reference path", () => {
    assertAllClose(
      make(0.5).forward(x, undefined, { fused: true }).output,
      make(0.5).forward(x, undefined, { fused: false }).output,
      close,
    );
  });

  it("does nothing to a single layer", () => {
    const one = (p: number) =>
      new GRU({ inputSize: 3, hiddenSize: 4, dropout: p, dtype: "float64", generator: new Generator(3) });
    assertAllClose(one(0.9).forward(x).output, one(0).forward(x).output, exact);
  });
});

describe("state dicts", () => {
  it("round-trip through stateDict/loadStateDict and safetensors bytes", () => {
    const opts = { inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true };
    const src = new GRU({ ...opts, generator: new Generator(1) });
    const x = randn([5, 2, 3], { generator: new Generator(2) });
    const expected = src.forward(x);
    const viaDict = new GRU({ ...opts, generator: new Generator(9) });
    viaDict.loadStateDict(src.stateDict());
    assertAllClose(viaDict.forward(x).output, expected.output, exact);
    const bytes = saveSafetensors(src.stateDict());
    const viaFile = new GRU({ ...opts, generator: new Generator(10) });
    viaFile.loadStateDict(loadSafetensors(bytes).tensors);
    assertAllClose(viaFile.forward(x).output, expected.output, exact);
    assertAllClose(viaFile.forward(x).h, expected.h, exact);
  });
});

describe("truncated backpropagation through time", () => {
  it("chunks fed with the detached final state reproduce the full sequence and cut the gradient", () => {
    const g = new Generator(6);
    const lstm = new LSTM({ inputSize: 3, hiddenSize: 5, numLayers: 2, dtype: "float64", generator: g });
    const x = leaf([8, 2, 3], "float64", g);
    const full = lstm.forward(x);
    const first = lstm.forward(narrow(x, 0, 0, 4));
    const state = { h: first.h.detach(), c: first.c.detach() };
    const second = lstm.forward(narrow(x, 0, 4, 4), state);
    assertAllClose(second.output, narrow(full.output, 0, 4, 4), close);
    assertAllClose(second.h, full.h, close);
    sum(second.output).backward();
    // The detached state cuts the graph: the first chunk's inputs get no gradient.
    assertAllClose(narrow(x.grad!, 0, 0, 4), zeros([4, 2, 3], { dtype: "float64" }), exact);
    expect(sum(narrow(x.grad!, 0, 4, 4).abs()).item()).toBeGreaterThan(0);
    expect(lstm.parameters().every((p) => p.grad !== null)).toBe(true);
    // The next chunk's backward works again from its own detached state.
    lstm.zeroGrad();
    const third = lstm.forward(narrow(x, 0, 0, 4), { h: second.h.detach(), c: second.c.detach() });
    sum(third.output).backward();
    expect(lstm.parameters().every((p) => p.grad !== null)).toBe(true);
  });
});

describe("errors name the layer and the shapes", () => {
  const lstm = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2 });
  it.each([
    [() => lstm.forward(zeros([5, 3])), "LSTM: expected input [T, B, inputSize] with inputSize 3, got [5,3]"],
    [
      () => lstm.forward(zeros([5, 2, 4])),
      "LSTM: expected input [T, B, inputSize] with inputSize 3, got [5,2,4]",
    ],
    [
      () => lstm.forward(zeros([5, 2, 3]), { h: zeros([1, 2, 4]) }),
      "LSTM: initial state h must be [2,2,4] = [numLayers * directions, batch, hiddenSize], got [1,2,4]",
    ],
    [
      () => lstm.forward(zeros([5, 2, 3]), { c: zeros([2, 3, 4]) }),
      "LSTM: initial state c must be [2,2,4] = [numLayers * directions, batch, hiddenSize], got [2,3,4]",
    ],
    [
      () => lstm.forward(zeros([5, 2, 3]), undefined, { lengths: [5, 6] }),
      "LSTM: lengths[1] = 6 is out of range",
    ],
    [
      () => lstm.forward(zeros([5, 2, 3]), undefined, { lengths: [0, 5] }),
      "each length must be an integer in [1, 5]",
    ],
    [
      () => lstm.forward(zeros([5, 2, 3]), undefined, { lengths: [5] }),
      "LSTM: lengths has 1 entries, expected one per batch element (B = 2)",
    ],
    [
      () => lstm.forward(zeros([5, 2, 3], { dtype: "float64" })),
      "LSTM: input is float64 but the parameters are float32",
    ],
    [
      () => new GRU({ inputSize: 3, hiddenSize: 4, batchFirst: true }).forward(zeros([2, 5, 2])),
      "GRU: expected input [B, T, inputSize] (batchFirst)",
    ],
    [
      () => new RNN({ inputSize: 3, hiddenSize: 4, dropout: 1.5 }),
      "RNN: dropout must be a probability in [0, 1), got 1.5",
    ],
    [
      () => new RNN({ inputSize: 3, hiddenSize: 4, numLayers: 0 }),
      "RNN: numLayers must be a positive integer, got 0",
    ],
    [
      () => new RNN({ inputSize: 3, hiddenSize: 4, nonlinearity: "gelu" as any }),
      "RNN: nonlinearity must be 'tanh' or 'relu'",
    ],
  ])("%#", (f, message) => {
    expect(f).toThrow(message);
  });
});
