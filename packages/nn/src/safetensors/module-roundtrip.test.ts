import { Generator, randint, randn } from "@nablajs/tensor";
import { describe, expect, it } from "vitest";
import { Dropout } from "../layers/dropout.js";
import { Embedding } from "../layers/embedding.js";
import { LayerNorm } from "../layers/layer-norm.js";
import { Linear } from "../layers/linear.js";
import { Sequential } from "../layers/sequential.js";
import { loadSafetensors } from "./load.js";
import { saveSafetensors } from "./save.js";

describe("state dicts through safetensors", () => {
  for (const dtype of ["float32", "float64"] as const) {
    it(`a Linear round trip gives identical outputs (${dtype})`, () => {
      const a = new Linear(5, 3, { dtype, generator: new Generator(1) });
      const b = new Linear(5, 3, { dtype, generator: new Generator(2) });
      const x = randn([4, 5], { dtype, generator: new Generator(3) });
      expect(b.forward(x).toArray()).not.toEqual(a.forward(x).toArray());
      b.loadStateDict(loadSafetensors(saveSafetensors(a.stateDict())).tensors);
      expect(b.forward(x).toArray()).toEqual(a.forward(x).toArray());
    });
  }

  it("a Sequential of every layer round-trips, with its metadata", () => {
    const build = (seed: number) => {
      const g = new Generator(seed);
      return new Sequential(
        new Embedding(10, 6, { paddingIdx: 0, generator: g }),
        new LayerNorm(6),
        new Dropout(0.2),
        new Linear(6, 4, { generator: g }),
      ).eval();
    };
    const a = build(1);
    const b = build(2);
    const ln = a.at(1) as LayerNorm;
    ln.loadStateDict({
      weight: randn([6], { generator: new Generator(4) }),
      bias: randn([6], { generator: new Generator(5) }),
    });
    const bytes = saveSafetensors(a.stateDict(), { model: "demo" });
    const { tensors, metadata } = loadSafetensors(bytes);
    expect(metadata).toEqual({ model: "demo" });
    expect(Object.keys(tensors).sort()).toEqual(["0.weight", "1.bias", "1.weight", "3.bias", "3.weight"]);
    b.loadStateDict(tensors);
    const ids = randint(0, 10, [3, 7], { generator: new Generator(6) });
    expect(b.forward(ids).toArray()).toEqual(a.forward(ids).toArray());
  });

  it("a float64 file loads into a float32 module (converted) and a wrong shape is named", () => {
    const a = new Linear(2, 2, { dtype: "float64" });
    const b = new Linear(2, 2);
    b.loadStateDict(loadSafetensors(saveSafetensors(a.stateDict())).tensors);
    expect(Array.from(b.weight.toTypedArray())).toEqual(
      Array.from(new Float32Array(a.weight.toTypedArray())),
    );
    const c = new Linear(3, 2);
    expect(() => c.loadStateDict(loadSafetensors(saveSafetensors(a.stateDict())).tensors)).toThrow(
      /'weight' has shape \[2,2\], the module expects \[2,3\]/,
    );
  });
});
