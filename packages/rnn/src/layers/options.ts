import { type DType, type Generator, shapeStr, type Tensor } from "@nablajs/tensor";

/** Options of the RNN, LSTM and GRU layers (PyTorch's, in camelCase). */
export interface RecurrentLayerOptions {
  inputSize: number;
  hiddenSize: number;
  /** Stacked layers, each reading the previous one's output (default 1). */
  numLayers?: number;
  /** Learn b_ih and b_hh (default true). */
  bias?: boolean;
  /** x and output are [B, T, features] instead of [T, B, features] (default false). */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last, in training mode (default 0). */
  dropout?: number;
  /** Run a second direction from the end of each sequence; outputs are concatenated (default false). */
  bidirectional?: boolean;
  /** float32 (default) or float64. */
  dtype?: DType;
  /** Seeds the initialisation and the dropout masks (default: the global generator). */
  generator?: Generator;
  /** Use the fused sequence kernels (default true); false forces the op-by-op reference path. */
  fused?: boolean;
}

/** Per-call options of a layer's forward. */
export interface RecurrentForwardOptions {
  /**
   * Valid steps of each batch entry for padded batches (as PyTorch's packed sequences): steps at
   * t >= lengths[b] keep the state and output zeros; h_n (and c_n) come from each last valid step.
   */
  lengths?: readonly number[] | Int32Array | Tensor;
  /** Overrides the layer's `fused` setting for this call. */
  fused?: boolean;
}

/** Checks `lengths` against the batch: B integers in [1, T]. */
export function parseLengths(
  op: string,
  lengths: RecurrentForwardOptions["lengths"],
  B: number,
  T: number,
): Int32Array | null {
  if (lengths === undefined || lengths === null) return null;
  let values: ArrayLike<number>;
  if (typeof lengths === "object" && "shape" in lengths && "toTypedArray" in lengths) {
    if (lengths.ndim !== 1) throw new Error(`${op}: lengths must be 1-D [B], got ${shapeStr(lengths.shape)}`);
    values = lengths.toTypedArray();
  } else if (Array.isArray(lengths) || lengths instanceof Int32Array) {
    values = lengths;
  } else {
    throw new Error(`${op}: lengths must be an array, an Int32Array or a 1-D tensor`);
  }
  if (values.length !== B)
    throw new Error(`${op}: lengths has ${values.length} entries, expected one per batch element (B = ${B})`);
  const out = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const n = values[b]!;
    if (!Number.isInteger(n) || n < 1 || n > T)
      throw new Error(
        `${op}: lengths[${b}] = ${n} is out of range: each length must be an integer in [1, ${T}] (T = ${T})`,
      );
    out[b] = n;
  }
  return out;
}

/** Throws unless `p` is a probability in [0, 1). */
export function checkDropout(op: string, p: number): number {
  if (typeof p !== "number" || !(p >= 0 && p < 1))
    throw new Error(`${op}: dropout must be a probability in [0, 1), got ${String(p)}`);
  return p;
}
