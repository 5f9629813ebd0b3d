import { gradcheck, gradgradcheck } from "@nablajs/autograd";
import { concat, Generator, noGrad, randn, reshape, type Tensor } from "@nablajs/tensor";
import { assertAllClose } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import type { CellKind } from "../direction.js";
import { GRU } from "../layers/gru.js";
import { LSTM } from "../layers/lstm.js";
import type { RecurrentLayerOptions } from "../layers/options.js";
import { RNN } from "../layers/rnn.js";
import { referenceDirection } from "../reference/reference-direction.js";
import { leaf, runAndDifferentiate } from "../test-helpers.js";
import { fusedDirection } from "./fused-direction.js";

const make = {
  LSTM: (o: RecurrentLayerOptions) => new LSTM(o),
  GRU: (o: RecurrentLayerOptions) => new GRU(o),
  RNN_TANH: (o: RecurrentLayerOptions) => new RNN(o),
  RNN_RELU: (o: RecurrentLayerOptions) => new RNN({ ...o, nonlinearity: "relu" }),
};
const kinds = Object.keys(make) as CellKind[];

const configs: [string, Partial<RecurrentLayerOptions>, number[] | undefined][] = [
  ["1 layer", {}, undefined],
  ["2 layers", { numLayers: 2 }, undefined],
  ["bidirectional", { bidirectional: true }, undefined],
  ["2 layers, bidirectional, lengths", { numLayers: 2, bidirectional: true }, [4, 1, 3]],
  ["batchFirst, lengths, no bias", { batchFirst: true, bias: false }, [2, 4, 4]],
];

describe.each(kinds)("%s: fused path equals reference path", (kind) => {
  it.each(configs)("%s (float64, forward and every gradient)", (_, cfg, lengths) => {
    const g = new Generator(11);
    const [T, B, I, H] = [4, 3, 3, 5];
    const layer = make[kind]({ inputSize: I, hiddenSize: H, dtype: "float64", generator: g, ...cfg });
    const L = (cfg.numLayers ?? 1) * (cfg.bidirectional ? 2 : 1);
    const x = leaf(cfg.batchFirst ? [B, T, I] : [T, B, I], "float64", g);
    const h0 = leaf([L, B, H], "float64", g);
    const c0 = kind === "LSTM" ? leaf([L, B, H], "float64", g) : null;
    const opts = lengths ? { lengths } : {};
    const fused = runAndDifferentiate(layer, x, h0, c0, { ...opts, fused: true });
    const ref = runAndDifferentiate(layer, x, h0, c0, { ...opts, fused: false });
    const tol = { rtol: 1e-10, atol: 1e-12 };
    assertAllClose(fused.output, ref.output, tol);
    assertAllClose(fused.h, ref.h, tol);
    if (c0) assertAllClose(fused.c!, ref.c!, tol);
    expect(fused.grads.length).toBe(ref.grads.length);
    fused.grads.forEach((gr, i) => {
      assertAllClose(gr, ref.grads[i]!, tol);
    });
  });

  it("agrees in float32 to float32 precision", () => {
    const g = new Generator(5);
    const layer = make[kind]({ inputSize: 4, hiddenSize: 6, numLayers: 2, generator: g });
    const x = leaf([7, 2, 4], "float32", g);
    const h0 = leaf([2, 2, 6], "float32", g);
    const c0 = kind === "LSTM" ? leaf([2, 2, 6], "float32", g) : null;
    const fused = runAndDifferentiate(layer, x, h0, c0, { fused: true });
    const ref = runAndDifferentiate(layer, x, h0, c0, { fused: false });
    const tol = { rtol: 1e-4, atol: 1e-5 };
    assertAllClose(fused.output, ref.output, tol);
    fused.grads.forEach((gr, i) => {
      assertAllClose(gr, ref.grads[i]!, tol);
    });
  });
});

/** The packed inputs of one direction: x [T, B, I], h0, (c0), W_ih, W_hh, b_ih, b_hh. */
function directionInputs(kind: CellKind, T: number, B: number, I: number, H: number, g: Generator): Tensor[] {
  const G = kind === "LSTM" ? 4 : kind === "GRU" ? 3 : 1;
  const r = (shape: number[], scale = 1) => randn(shape, { dtype: "float64", generator: g }).mul(scale);
  const state = kind === "LSTM" ? [r([B, H]), r([B, H])] : [r([B, H])];
  return [r([T, B, I]), ...state, r([G * H, I], 0.7), r([G * H, H], 0.7), r([G * H], 0.5), r([G * H], 0.5)];
}

/** The outputs of a direction as one flat tensor, for gradcheck. */
const flatOut = (outs: Tensor[]) => concat(outs.map((o) => reshape(o, [-1])));

describe.each(kinds)("%s fused sequence op", (kind) => {
  it.each([
    ["forward", false, null],
    ["reverse with lengths", true, Int32Array.from([3, 1])],
  ] as const)("gradcheck of the fused backward (%s, float64)", (_, reverse, lengths) => {
    const inputs = directionInputs(kind, 3, 2, 2, 2, new Generator(3));
    const spec = { kind, reverse, lengths };
    expect(gradcheck((...xs) => flatOut(fusedDirection(spec, xs)), inputs)).toBe(true);
  });

  it("second derivatives fall back to the reference path and are right (gradgradcheck)", () => {
    const inputs = directionInputs(kind, 2, 2, 2, 2, new Generator(4));
    const spec = { kind, reverse: false, lengths: Int32Array.from([2, 1]) };
    expect(gradgradcheck((...xs) => flatOut(fusedDirection(spec, xs)), inputs)).toBe(true);
  });

  it("takes the same inputs and gives the same outputs as the reference direction", () => {
    const inputs = directionInputs(kind, 5, 3, 2, 3, new Generator(6));
    const spec = { kind, reverse: true, lengths: Int32Array.from([5, 2, 4]) };
    const a = fusedDirection(spec, inputs);
    const b = referenceDirection(spec, inputs);
    expect(a.length).toBe(b.length);
    a.forEach((t, i) => {
      assertAllClose(t, b[i]!, { rtol: 1e-12, atol: 1e-14 });
    });
  });
});

describe.each(kinds)("%s fused layer: only the work that is needed", (kind) => {
  it("under noGrad (no activations kept) gives the outputs of a recorded forward", () => {
    const g = new Generator(5);
    const layer = make[kind]({ inputSize: 6, hiddenSize: 20, numLayers: 2, generator: g });
    const x = randn([7, 9, 6], { generator: g });
    const recorded = layer.forward(x);
    const plain = noGrad(() => layer.forward(x));
    expect(plain.output.toArray()).toEqual(recorded.output.toArray());
    expect(plain.h.toArray()).toEqual(recorded.h.toArray());
  });

  it("skips dx for an input that needs no gradient, with the weights' gradients unchanged", () => {
    const g = new Generator(6);
    const layer = make[kind]({ inputSize: 6, hiddenSize: 20, generator: g });
    const data = randn([7, 9, 6], { generator: g });
    const weightGrads = (x: Tensor) => {
      for (const p of layer.parameters()) p.grad = null;
      layer.forward(x).output.square().sum().backward();
      return layer.parameters().map((p) => p.grad!.toArray());
    };
    const withDx = leaf([7, 9, 6], "float32", new Generator(6));
    withDx.data.set(data.toTypedArray());
    const full = weightGrads(withDx);
    expect(withDx.grad).not.toBeNull();
    expect(weightGrads(data)).toEqual(full);
    expect(data.grad).toBeNull();
  });
});
