import { Generator, randn, relu, type Tensor } from "@nablajs/tensor";
import { assertAllClose } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { Module } from "../module.js";
import { Dropout } from "./dropout.js";
import { LayerNorm } from "./layer-norm.js";
import { Linear } from "./linear.js";
import { Sequential } from "./sequential.js";

class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

const mlp = (seed: number) => {
  const g = new Generator(seed);
  return new Sequential(
    new Linear(4, 8, { generator: g }),
    new ReLU(),
    new Dropout(0.5),
    new Linear(8, 2, { generator: g }),
  );
};

describe("Sequential", () => {
  it("applies the modules in order", () => {
    const net = mlp(1).eval();
    const x = randn([3, 4], { generator: new Generator(2) });
    const [l1, , , l2] = net.children() as [Linear, Module, Module, Linear];
    assertAllClose(net.forward(x), l2.forward(relu(l1.forward(x))));
  });

  it("names its children 0, 1, ... as PyTorch", () => {
    const net = mlp(1);
    expect(net.namedChildren().map(([n]) => n)).toEqual(["0", "1", "2", "3"]);
    expect(Object.keys(net.stateDict())).toEqual(["0.weight", "0.bias", "3.weight", "3.bias"]);
    expect(net.numParameters()).toBe(4 * 8 + 8 + 8 * 2 + 2);
  });

  it("nests, and train()/eval() reach the inner modules", () => {
    const net = new Sequential(mlp(1), new LayerNorm(2));
    expect(Object.keys(net.stateDict())).toEqual([
      "0.0.weight",
      "0.0.bias",
      "0.3.weight",
      "0.3.bias",
      "1.weight",
      "1.bias",
    ]);
    net.eval();
    expect((net.at(0) as Sequential).at(2).training).toBe(false);
  });

  it("has length and at(), with negative indices", () => {
    const net = mlp(1);
    expect(net.length).toBe(4);
    expect(net.at(-1)).toBe(net.children()[3]);
    expect(() => net.at(4)).toThrow(/Sequential.at: index 4 is out of range for 4 modules/);
    expect(() => net.at(0.5)).toThrow(/index 0.5 is out of range/);
  });

  it("returns its input when empty, and prints as a tree", () => {
    const x = randn([2]);
    expect(new Sequential().forward(x)).toBe(x);
    expect(new Sequential(new Linear(2, 1), new ReLU()).toString()).toBe(
      [
        "Sequential(",
        "  (0): Linear(inFeatures=2, outFeatures=1, bias=true)  # 3 parameters",
        "  (1): ReLU()",
        ")  # 3 parameters",
      ].join("\n"),
    );
  });

  it("rejects non-modules", () => {
    expect(() => new Sequential(new ReLU(), ((x: Tensor) => x) as any)).toThrow(
      /Sequential: argument 1 is not a Module/,
    );
  });
});
