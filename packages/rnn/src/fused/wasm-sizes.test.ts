import { Generator, randn } from "@nablajs/tensor";
import { allClose } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { GRU, LSTM, RNN } from "../index.js";

// Sizes large enough that the float32 products run in the WebAssembly kernels (prepared
// recurrent weights included): the float32 result must match the same layer in float64.
describe.each([
  ["LSTM", LSTM],
  ["GRU", GRU],
  ["RNN", RNN],
] as const)("%s in float32 at kernel sizes", (_, Layer) => {
  it("matches float64 forward and backward", () => {
    const make = (dtype: "float32" | "float64") =>
      new Layer({
        inputSize: 24,
        hiddenSize: 40,
        numLayers: 2,
        bidirectional: true,
        dtype,
        generator: new Generator(4),
      });
    const l32 = make("float32");
    const l64 = make("float64");
    const x64 = randn([7, 9, 24], { dtype: "float64", generator: new Generator(5) });
    const x32 = x64.astype("float32");
    x32.requiresGrad = true;
    x64.requiresGrad = true;
    const o32 = l32.forward(x32).output;
    const o64 = l64.forward(x64).output;
    const r = allClose(o32, o64, { rtol: 1e-4, atol: 1e-5 });
    expect(r.pass, r.message).toBe(true);
    o32.square().sum().backward();
    o64.square().sum().backward();
    const g = allClose(x32.grad!, x64.grad!, { rtol: 1e-3, atol: 1e-4 });
    expect(g.pass, g.message).toBe(true);
    const [, w32] = l32.namedParameters()[1]!;
    const [, w64] = l64.namedParameters()[1]!;
    const gw = allClose(w32.grad!, w64.grad!, { rtol: 1e-3, atol: 1e-4 });
    expect(gw.pass, gw.message).toBe(true);
  });
});
