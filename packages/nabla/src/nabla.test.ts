import { describe, expect, it } from "vitest";
import {
  Adam,
  concat,
  crossEntropy,
  customGrad,
  Generator,
  hessian,
  Linear,
  LSTM,
  Module,
  mse,
  narrow,
  randn,
  Tensor,
  zeros,
} from "./index.js";

describe("nabla (the umbrella package)", () => {
  it("re-exports every package; backward works out of the box", () => {
    for (const f of [Tensor, customGrad, hessian, crossEntropy, Adam, Module, Linear, LSTM]) {
      expect(typeof f).toBe("function");
    }
    const x = randn([3], { requiresGrad: true, generator: new Generator(0) });
    x.mul(x).sum().backward(); // the chain rule is in the core: nothing to install
    expect(x.grad!.toArray()).toEqual(x.mul(2).toArray());
  });

  it("trains a tiny LSTM with Adam: the loss goes down over 20 steps", () => {
    // Task: output at step t the input of step t - 1 (needs the recurrent state).
    const g = new Generator(1);
    const [T, B] = [8, 16];
    const x = randn([T, B, 1], { generator: g });
    const y = concat([zeros([1, B, 1]), narrow(x, 0, 0, T - 1)], 0);
    const lstm = new LSTM({ inputSize: 1, hiddenSize: 8, generator: g });
    const head = new Linear(8, 1, { generator: g });
    const opt = new Adam([...lstm.parameters(), ...head.parameters()], { lr: 0.05 });
    const losses: number[] = [];
    for (let step = 0; step < 20; step++) {
      opt.zeroGrad();
      const loss = mse(head.forward(lstm.forward(x).output), y);
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.at(-1)!).toBeLessThan(0.5 * losses[0]!);
  });
});
