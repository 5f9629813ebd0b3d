import { defaultGenerator, type Generator, randperm, type Tensor } from "@nablajs/tensor";
import { TensorDataset } from "./tensor-dataset.js";

/** Options of `DataLoader`. */
export interface DataLoaderOptions {
  /** Samples per batch (default 1). */
  batchSize?: number;
  /** Visit the samples in a new random order each epoch (default false: in order). */
  shuffle?: boolean;
  /** Drop the last batch when it is smaller than `batchSize` (default false). */
  dropLast?: boolean;
  /** The seeded generator the orders are drawn from (default: the global one that `manualSeed` seeds). */
  generator?: Generator;
}

/**
 * Mini-batches of a `TensorDataset`, as torch.utils.data.DataLoader (single process, default
 * collation): each pass of `for (const [x, y] of loader)` is one epoch of `ceil(N / batchSize)`
 * batches (`floor` with `dropLast`), each `[t[indices] for t of dataset.tensors]`. With
 * `shuffle`, every epoch draws a new order `randperm(N)` from `generator`, so the same seed gives
 * the same sequence of epochs; in order, batches are views of the dataset (no copy).
 * https://pytorch.org/docs/1.13/data.html#torch.utils.data.DataLoader
 */
export class DataLoader implements Iterable<Tensor[]> {
  readonly dataset: TensorDataset;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly generator: Generator;

  constructor(dataset: TensorDataset | Tensor[], opts: DataLoaderOptions = {}) {
    this.dataset = Array.isArray(dataset) ? new TensorDataset(...dataset) : dataset;
    if (!(this.dataset instanceof TensorDataset))
      throw new Error(`DataLoader: expected a TensorDataset or an array of tensors, got ${typeof dataset}`);
    const { batchSize = 1, shuffle = false, dropLast = false } = opts;
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new Error(`DataLoader: batchSize must be a positive integer, got ${batchSize}`);
    if (typeof shuffle !== "boolean")
      throw new Error(`DataLoader: shuffle must be a boolean, got ${shuffle}`);
    if (typeof dropLast !== "boolean")
      throw new Error(`DataLoader: dropLast must be a boolean, got ${dropLast}`);
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.generator = opts.generator ?? defaultGenerator;
  }

  /** Batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** One epoch of batches (a new order from the generator when shuffling). */
  *[Symbol.iterator](): Iterator<Tensor[]> {
    const n = this.dataset.length;
    const b = this.batchSize;
    const order = this.shuffle ? randperm(n, { generator: this.generator }) : null;
    for (let k = 0; k < this.length; k++) {
      const start = k * b;
      const count = Math.min(b, n - start);
      if (order === null) yield this.dataset.range(start, count);
      else yield this.dataset.batch(order.narrow(0, start, count));
    }
  }
}

/**
 * The tensors (sharing their first axis) reordered along it by one random permutation
 * `randperm(N, { generator })`, so inputs and targets stay paired: `const [x2, y2] = shuffle([x, y])`.
 */
export function shuffle(tensors: readonly Tensor[], opts: { generator?: Generator } = {}): Tensor[] {
  const ds = new TensorDataset(...tensors);
  return ds.batch(randperm(ds.length, { generator: opts.generator ?? defaultGenerator }));
}
