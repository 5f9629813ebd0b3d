import { gradcheck, gradgradcheck } from "@nablajs/autograd";
import { Generator, mul, randn, type Tensor, tensor } from "@nablajs/tensor";
import { assertAllClose } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { Embedding, embedding } from "./embedding.js";

const ids = (data: number[] | number[][]) => tensor(data, { dtype: "int32" });
const f64 = (shape: number[], seed: number) =>
  randn(shape, { dtype: "float64", generator: new Generator(seed) });

describe("Embedding forward", () => {
  it("picks rows for indices of any shape: [...S] -> [...S, dim]", () => {
    const emb = new Embedding(6, 3, { generator: new Generator(1) });
    const w = emb.weight.toArray() as number[][];
    const y = emb.forward(
      ids([
        [0, 5],
        [2, 2],
        [4, 1],
      ]),
    );
    expect(y.shape).toEqual([3, 2, 3]);
    expect(y.toArray()).toEqual([
      [w[0], w[5]],
      [w[2], w[2]],
      [w[4], w[1]],
    ]);
    expect(emb.forward(tensor(3, { dtype: "int32" })).toArray()).toEqual(w[3]);
    expect(emb.forward(ids([[]]).reshape([1, 0])).shape).toEqual([1, 0, 3]);
  });

  it("accepts strided index views", () => {
    const emb = new Embedding(4, 2);
    const w = emb.weight.toArray() as number[][];
    expect(
      emb
        .forward(
          ids([
            [0, 1],
            [2, 3],
          ]).transpose(),
        )
        .toArray(),
    ).toEqual([
      [w[0], w[2]],
      [w[1], w[3]],
    ]);
  });

  it("initialises from N(0, 1) with the padding row zero", () => {
    const emb = new Embedding(400, 100, { paddingIdx: 7, generator: new Generator(2) });
    const w = emb.weight.toTypedArray();
    const rows = emb.weight.toArray() as number[][];
    expect(rows[7]!.every((v) => v === 0)).toBe(true);
    let s = 0;
    let q = 0;
    for (const v of w) {
      s += v;
      q += v * v;
    }
    expect(Math.abs(s / w.length)).toBeLessThan(0.02);
    expect(Math.abs(Math.sqrt(q / w.length) - 1)).toBeLessThan(0.03);
  });

  it("normalises a negative paddingIdx and supports float64", () => {
    const emb = new Embedding(5, 2, { paddingIdx: -1, dtype: "float64" });
    expect(emb.paddingIdx).toBe(4);
    expect(emb.weight.dtype).toBe("float64");
    expect((emb.weight.toArray() as number[][])[4]).toEqual([0, 0]);
    expect(emb.toString()).toBe("Embedding(5, 2, paddingIdx=4)  # 10 parameters");
  });
});

describe("Embedding gradients", () => {
  it("adds up the gradients of repeated indices", () => {
    const emb = new Embedding(4, 2, { dtype: "float64" });
    const c = f64([5, 2], 3);
    mul(emb.forward(ids([1, 3, 1, 1, 0])), c)
      .sum()
      .backward();
    const cs = c.toArray() as number[][];
    const add = (...rows: number[]) => [0, 1].map((j) => rows.reduce((s, r) => s + cs[r]![j]!, 0));
    assertAllClose(emb.weight.grad!, [add(4), add(0, 2, 3), [0, 0], add(1)], { rtol: 1e-12 });
  });

  it("gives the padding row no gradient, and still returns its (non-zero) values", () => {
    const emb = new Embedding(3, 2, { paddingIdx: 0, dtype: "float64" });
    emb.loadStateDict({
      weight: tensor(
        [
          [9, 9],
          [1, 2],
          [3, 4],
        ],
        { dtype: "float64" },
      ),
    });
    const y = emb.forward(
      ids([
        [0, 1],
        [1, 0],
      ]),
    );
    expect(y.toArray()).toEqual([
      [
        [9, 9],
        [1, 2],
      ],
      [
        [1, 2],
        [9, 9],
      ],
    ]);
    y.sum().backward();
    expect(emb.weight.grad!.toArray()).toEqual([
      [0, 0],
      [2, 2],
      [0, 0],
    ]);
  });

  it("passes gradcheck without padding, and gradgradcheck with it", () => {
    const idx = ids([
      [2, 0, 2],
      [1, 2, 0],
    ]);
    expect(gradcheck((w: Tensor) => embedding(idx, w), [f64([3, 2], 1)])).toBe(true);
    const sq = (w: Tensor) => mul(embedding(idx, w, 0), embedding(idx, w, 0));
    expect(gradgradcheck(sq, [f64([3, 2], 3)])).toBe(true);
  });

  it("with padding, the gradient is the unpadded one with the padding row zeroed", () => {
    // NOTE: no gradcheck here: the padding row does change the output; it is excluded by definition.
    const idx = ids([
      [2, 0, 2],
      [1, 2, 0],
    ]);
    const c = f64([2, 3, 4], 5);
    const grad = (pad: number | null) => {
      const w = f64([3, 4], 6);
      w.requiresGrad = true;
      mul(embedding(idx, w, pad), c)
        .sum()
        .backward();
      return w.grad!.toArray() as number[][];
    };
    const full = grad(null);
    expect(grad(2)).toEqual([full[0], full[1], [0, 0, 0, 0]]);
    expect(grad(-3)).toEqual([[0, 0, 0, 0], full[1], full[2]]);
  });
});

describe("Embedding errors", () => {
  it("rejects bad sizes, padding indices and index tensors", () => {
    expect(() => new Embedding(-2, 3)).toThrow(
      /Embedding: numEmbeddings must be a non-negative integer, got -2/,
    );
    expect(() => new Embedding(2, 0.5)).toThrow(/Embedding: embeddingDim must be a non-negative integer/);
    expect(() => new Embedding(4, 2, { paddingIdx: 4 })).toThrow(
      /Embedding: paddingIdx must be an integer in \[-4, 4\), got 4/,
    );
    expect(() => new Embedding(4, 2, { paddingIdx: -5 })).toThrow(/got -5/);
    expect(() => new Embedding(4, 2, { dtype: "int32" })).toThrow(
      /Embedding: dtype must be float32 or float64/,
    );
    const emb = new Embedding(4, 2);
    expect(() => emb.forward(tensor([1, 2]))).toThrow(/embedding: indices must be int32, got float32/);
    expect(() => emb.forward(ids([1, 4]))).toThrow(
      /embedding: index 4 is out of range for an axis of size 4 \(valid: 0..3\)/,
    );
    expect(() => emb.forward(ids([-1]))).toThrow(/embedding: index -1 is out of range/);
    expect(() => emb.forward([1] as any)).toThrow(/embedding: indices must be a Tensor/);
    expect(() => embedding(ids([0]), randn([4]))).toThrow(
      /embedding: weight must be a \[num, dim\] tensor, got \[4\]/,
    );
    expect(() => embedding(ids([0]), randn([4, 2]), 1.5)).toThrow(/embedding: paddingIdx must be an integer/);
  });
});
