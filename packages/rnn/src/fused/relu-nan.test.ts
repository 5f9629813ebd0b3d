import { Generator, tensor } from "@nablajs/tensor";
import { expect, it } from "vitest";
import { RNN } from "../index.js";

it("the fused relu RNN lets NaN through, as torch.relu does", () => {
  const rnn = new RNN({ inputSize: 2, hiddenSize: 3, nonlinearity: "relu", generator: new Generator(1) });
  const x = tensor([[[Number.NaN, 1]], [[0.5, 0.5]]]); // [T=2, B=1, I=2]
  const { output, h } = rnn.forward(x);
  expect(Array.from(output.toTypedArray()).every(Number.isNaN)).toBe(true);
  expect(Array.from(h.toTypedArray()).every(Number.isNaN)).toBe(true);
});
