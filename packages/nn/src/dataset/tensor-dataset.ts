import { indexSelect, narrow, shapeStr, Tensor } from "@nablajs/tensor";

/**
 * A dataset of tensors that share their first axis, as torch.utils.data.TensorDataset: item `i`
 * is `[t[i] for t of tensors]` (inputs [N, ...], targets [N, ...]). Tensors are immutable, so
 * items and contiguous ranges are views that share storage; `batch` gathers any rows.
 */
export class TensorDataset {
  readonly tensors: readonly Tensor[];

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new Error("TensorDataset: needs at least one tensor");
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor))
        throw new Error(`TensorDataset: argument ${i} must be a Tensor, got ${typeof t}`);
      if (t.ndim === 0)
        throw new Error(`TensorDataset: tensor ${i} is a scalar; it needs a first (sample) axis`);
    });
    const n = tensors[0]!.shape[0]!;
    const other = tensors.findIndex((t) => t.shape[0] !== n);
    if (other >= 0) {
      throw new Error(
        `TensorDataset: tensors must share their first axis, got ${tensors.map((t) => shapeStr(t.shape)).join(", ")} (tensor ${other})`,
      );
    }
    this.tensors = tensors.slice();
  }

  /** The number of samples (the first axis). */
  get length(): number {
    return this.tensors[0]!.shape[0]!;
  }

  /** Sample `i` of every tensor (the first axis dropped), as views. */
  get(i: number): Tensor[] {
    const n = this.length;
    if (!Number.isInteger(i) || i < -n || i >= n)
      throw new Error(`TensorDataset: index ${i} is out of range for ${n} samples`);
    const k = i < 0 ? i + n : i;
    return this.tensors.map((t) => narrow(t, 0, k, 1).reshape(t.shape.slice(1)));
  }

  /** Samples `start .. start + count - 1` of every tensor, as views. */
  range(start: number, count: number): Tensor[] {
    return this.tensors.map((t) => narrow(t, 0, start, count));
  }

  /** The samples at int32 `indices` ([B]) of every tensor, gathered into new [B, ...] tensors. */
  batch(indices: Tensor): Tensor[] {
    return this.tensors.map((t) => indexSelect(t, 0, indices));
  }
}
