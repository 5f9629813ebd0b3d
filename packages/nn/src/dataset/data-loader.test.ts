import { arange, Generator, randperm, type Tensor, tensor } from "@nablajs/tensor";
import { describe, expect, it } from "vitest";
import { DataLoader, shuffle } from "./data-loader.js";
import { TensorDataset } from "./tensor-dataset.js";

/** x [10, 2] with rows [i, 10 + i]; y [10] int32 = i: a sample's index is readable from both. */
function data(n = 10): [Tensor, Tensor] {
  const x = tensor(
    Array.from({ length: n }, (_, i) => [i, 10 + i]),
    { dtype: "float64" },
  );
  return [x, arange(0, n, 1, { dtype: "int32" })];
}

const ids = (y: Tensor) => Array.from(y.toTypedArray());

describe("TensorDataset", () => {
  it("items, ranges and gathered batches of tensors sharing the first axis", () => {
    const ds = new TensorDataset(...data());
    expect(ds.length).toBe(10);
    const [x3, y3] = ds.get(3);
    expect(x3!.toArray()).toEqual([3, 13]);
    expect(y3!.toArray()).toEqual(3);
    expect(ds.get(-1)[1]!.toArray()).toEqual(9);
    const [xb, yb] = ds.batch(tensor([7, 2], { dtype: "int32" }));
    expect(xb!.toArray()).toEqual([
      [7, 17],
      [2, 12],
    ]);
    expect(yb!.dtype).toBe("int32");
    expect(ds.range(8, 2)[1]!.toArray()).toEqual([8, 9]);
  });

  it("rejects bad input with clear errors", () => {
    const [x, y] = data();
    expect(() => new TensorDataset()).toThrow("TensorDataset: needs at least one tensor");
    expect(() => new TensorDataset(x, tensor(1))).toThrow(
      "TensorDataset: tensor 1 is a scalar; it needs a first (sample) axis",
    );
    expect(() => new TensorDataset(x, y.narrow(0, 0, 9))).toThrow(
      "TensorDataset: tensors must share their first axis, got [10,2], [9] (tensor 1)",
    );
    expect(() => new TensorDataset(x, [1, 2] as never)).toThrow(
      "TensorDataset: argument 1 must be a Tensor, got object",
    );
    expect(() => new TensorDataset(x).get(10)).toThrow(
      "TensorDataset: index 10 is out of range for 10 samples",
    );
  });
});

describe("DataLoader", () => {
  it("in order: batches of batchSize, the last one smaller unless dropLast", () => {
    const [x, y] = data();
    const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 4 });
    expect(loader.length).toBe(3);
    const batches = [...loader];
    expect(batches.map(([, yb]) => ids(yb!))).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    expect(batches[0]![0]!.shape).toEqual([4, 2]);
    expect(batches[0]![0]!.data).toBe(x.data); // a view: no copy
    const dropped = new DataLoader([x, y], { batchSize: 4, dropLast: true });
    expect(dropped.length).toBe(2);
    expect([...dropped].map(([, yb]) => ids(yb!))).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    expect([...new DataLoader([x, y], { batchSize: 5, dropLast: true })]).toHaveLength(2);
  });

  it("shuffled: each epoch is a new permutation from the generator, inputs stay paired with targets", () => {
    const [x, y] = data();
    const loader = new DataLoader([x, y], { batchSize: 3, shuffle: true, generator: new Generator(7) });
    const expected = new Generator(7);
    const epochs: number[][] = [];
    for (let epoch = 0; epoch < 3; epoch++) {
      const seen: number[] = [];
      for (const [xb, yb] of loader) {
        const rows = xb!.toArray() as number[][];
        ids(yb!).forEach((k, i) => {
          expect(rows[i]).toEqual([k, 10 + k]);
        });
        seen.push(...ids(yb!));
      }
      expect(seen).toEqual(ids(randperm(10, { generator: expected })));
      expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      epochs.push(seen);
    }
    expect(epochs[1]).not.toEqual(epochs[0]);
    // the same seed, the same sequence of epochs
    const again = new DataLoader([x, y], { batchSize: 3, shuffle: true, generator: new Generator(7) });
    for (let epoch = 0; epoch < 3; epoch++)
      expect([...again].flatMap(([, yb]) => ids(yb!))).toEqual(epochs[epoch]);
  });

  it("rejects bad options with clear errors", () => {
    const d = data();
    expect(() => new DataLoader(d, { batchSize: 0 })).toThrow(
      "DataLoader: batchSize must be a positive integer, got 0",
    );
    expect(() => new DataLoader(d, { shuffle: 1 as never })).toThrow(
      "DataLoader: shuffle must be a boolean, got 1",
    );
    expect(() => new DataLoader(d, { dropLast: "yes" as never })).toThrow(
      "DataLoader: dropLast must be a boolean, got yes",
    );
    expect(() => new DataLoader(3 as never)).toThrow(
      "DataLoader: expected a TensorDataset or an array of tensors, got number",
    );
  });
});

describe("shuffle", () => {
  it("reorders several tensors by one permutation, randperm's for the same seed", () => {
    const [x, y] = data();
    const [xs, ys] = shuffle([x, y], { generator: new Generator(3) });
    const order = ids(randperm(10, { generator: new Generator(3) }));
    expect(ids(ys!)).toEqual(order);
    expect(xs!.toArray()).toEqual(order.map((k) => [k, 10 + k]));
  });
});
