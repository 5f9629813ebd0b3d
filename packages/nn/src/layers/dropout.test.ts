import { Generator, manualSeed, ones, randn, tensor } from "@nablajs/tensor";
import { describe, expect, it } from "vitest";
import { Dropout, dropout } from "./dropout.js";

describe("Dropout", () => {
  it("zeroes about p of the elements and scales the others by exactly 1 / (1 - p)", () => {
    for (const p of [0.1, 0.5, 0.8]) {
      const x = randn([100, 100], { generator: new Generator(1) });
      const y = new Dropout(p, { generator: new Generator(2) }).forward(x);
      const xs = x.toTypedArray();
      const ys = y.toTypedArray();
      let zeros = 0;
      for (let i = 0; i < ys.length; i++) {
        if (ys[i] === 0) zeros++;
        else expect(ys[i]).toBe(Math.fround(xs[i]! * Math.fround(1 / (1 - p))));
      }
      expect(Math.abs(zeros / ys.length - p)).toBeLessThan(0.02);
    }
  });

  it("keeps the mean of the input in expectation (inverted scaling)", () => {
    const y = dropout(ones([200, 200], { dtype: "float64" }), 0.3, true, new Generator(3));
    expect(Math.abs(y.mean().item() - 1)).toBeLessThan(0.02);
  });

  it("is the identity in eval mode and with p = 0, and active again after train()", () => {
    const x = randn([4, 5]);
    const d = new Dropout(0.5);
    expect(d.eval().forward(x)).toBe(x);
    expect(new Dropout(0).forward(x)).toBe(x);
    expect(dropout(x, 0.9, false)).toBe(x);
    expect(d.train().forward(x)).not.toBe(x);
  });

  it("is reproducible: the same seed gives the same mask, another seed another", () => {
    const x = randn([30, 30], { generator: new Generator(1) });
    const a = new Dropout(0.5, { generator: new Generator(9) }).forward(x).toArray();
    expect(new Dropout(0.5, { generator: new Generator(9) }).forward(x).toArray()).toEqual(a);
    expect(new Dropout(0.5, { generator: new Generator(10) }).forward(x).toArray()).not.toEqual(a);
    manualSeed(5);
    const b = dropout(x, 0.5).toArray();
    manualSeed(5);
    expect(dropout(x, 0.5).toArray()).toEqual(b);
  });

  it("passes gradients through the kept elements only, scaled the same way", () => {
    const x = randn([20, 20], { dtype: "float64", generator: new Generator(4) });
    x.requiresGrad = true;
    const y = dropout(x, 0.25, true, new Generator(6));
    y.sum().backward();
    const ys = y.toTypedArray();
    const gs = x.grad!.toTypedArray();
    for (let i = 0; i < ys.length; i++) expect(gs[i]).toBe(ys[i] === 0 ? 0 : 1 / 0.75);
  });

  it("rejects p outside [0, 1), non-float and non-tensor inputs", () => {
    expect(() => new Dropout(1)).toThrow(/Dropout: dropout probability must be in \[0, 1\), got 1/);
    expect(() => new Dropout(-0.1)).toThrow(/got -0.1/);
    expect(() => new Dropout(Number.NaN)).toThrow(/got NaN/);
    expect(() => new Dropout("0.5" as any)).toThrow(/Dropout: dropout probability/);
    expect(() => new Dropout(0.5, { dtype: "int32" })).toThrow(/Dropout: dtype must be float32 or float64/);
    expect(() => dropout(ones([2]), 1.5)).toThrow(
      /dropout: dropout probability must be in \[0, 1\), got 1.5/,
    );
    expect(() => dropout(tensor([1, 2], { dtype: "int32" }), 0.5)).toThrow(
      /dropout: expected a float tensor, got int32/,
    );
    expect(() => dropout([1, 2] as any, 0.5)).toThrow(/dropout: expected a Tensor/);
    expect(new Dropout(0.25).toString()).toBe("Dropout(p=0.25)");
  });
});
