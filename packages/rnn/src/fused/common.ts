import { allocate, type DType, expf, getBackend, type TypedArray, tanhf, type View } from "@nablajs/tensor";

/** The sizes and traversal of one layer direction's sequence. */
export interface Sequence {
  /** Time steps. */
  T: number;
  /** Batch size. */
  B: number;
  /** Input features. */
  I: number;
  /** Hidden features. */
  H: number;
  dtype: DType;
  /** Walk the sequence from its last valid step to the first. */
  reverse: boolean;
  /** Valid steps per batch entry (padded batches), or null when every sequence has T steps. */
  lengths: Int32Array | null;
}

/**
 * One direction's operands as flat row-major arrays with offset 0: x [T, B, I], h0 [B, H],
 * c0 [B, H] (LSTM only), wih [G*H, I], whh [G*H, H], bih and bhh [G*H] (null without bias).
 */
export interface Operands {
  x: TypedArray;
  h0: TypedArray;
  c0: TypedArray | null;
  wih: TypedArray;
  whh: TypedArray;
  bih: TypedArray | null;
  bhh: TypedArray | null;
}

/** The gradients a fused backward returns, in the layout of `Operands`. */
export interface OperandGrads {
  x: TypedArray;
  h0: TypedArray;
  c0: TypedArray | null;
  wih: TypedArray;
  whh: TypedArray;
  bih: TypedArray | null;
  bhh: TypedArray | null;
}

/** The scalar functions of the gate loops: float32-accurate (about 2x faster) for float32, Math's for float64. */
export function activations(seq: Sequence): { exp: (x: number) => number; tanh: (x: number) => number } {
  return seq.dtype === "float32" ? { exp: expf, tanh: tanhf } : { exp: Math.exp, tanh: Math.tanh };
}

/** The time index of the s-th processed step. */
export function timeAt(seq: Sequence, s: number): number {
  return seq.reverse ? seq.T - 1 - s : s;
}

/** A row-major [rows, cols] matrix view of `data` starting at `offset`. */
export function rows(data: TypedArray, r: number, c: number, offset = 0): View {
  return { data, shape: [r, c], strides: [c, 1], offset };
}

/** The transpose of the row-major [c, r] matrix at `offset`, as an [r, c] view: only the strides swap. */
export function transposed(data: TypedArray, r: number, c: number, offset = 0): View {
  return { data, shape: [r, c], strides: [1, r], offset };
}

/** out[outOffset : outOffset + m n] = a [m, k] b [k, n], by the backend's matmul kernel. */
export function gemm(a: View, b: View, out: TypedArray, outOffset = 0): void {
  const m = a.shape[0]!;
  const n = b.shape[1]!;
  const dst = out.subarray(outOffset, outOffset + m * n);
  // NOTE: backends write into fresh (zeroed) arrays; some accumulate, so zero reused buffers.
  dst.fill(0);
  if (a.shape[1]! > 0) getBackend().matmul(a, b, dst);
}

/** The backend's prepared form of a right operand shared by every step (e.g. packed once), or `b`. */
export function prepared(b: View): View {
  return getBackend().prepare?.(b) ?? b;
}

/** A zero-filled buffer of the sequence's dtype. */
export function buffer(seq: Sequence, n: number): TypedArray {
  return allocate(seq.dtype, n);
}

/** out[j] = sum over rows r of m[r, j], for a row-major [nRows, cols] matrix. */
export function columnSums(m: TypedArray, nRows: number, cols: number, out: TypedArray): TypedArray {
  for (let r = 0; r < nRows; r++) {
    const base = r * cols;
    for (let j = 0; j < cols; j++) out[j]! += m[base + j]!;
  }
  return out;
}

/** The input projection of every time step in one product: X [T B, I] W_ih^T [I, G H]. */
export function projectInputs(seq: Sequence, ops: Operands, gh: number): TypedArray {
  const n = seq.T * seq.B;
  const out = buffer(seq, n * gh);
  gemm(rows(ops.x, n, seq.I), transposed(ops.wih, seq.I, gh), out);
  return out;
}

/**
 * The gradients shared by every cell once dG (pre-activation gradients, [T B, G H]) is known:
 * dX = dG_i W_ih, dW_ih = dG_i^T X, dW_hh = dG_h^T H_prev, each ONE product over all steps.
 */
export function weightGrads(
  seq: Sequence,
  ops: Operands,
  dGi: TypedArray,
  dGh: TypedArray,
  hprev: TypedArray,
  gh: number,
): { x: TypedArray; wih: TypedArray; whh: TypedArray; bih: TypedArray | null; bhh: TypedArray | null } {
  const { I, H } = seq;
  const n = seq.T * seq.B;
  const x = buffer(seq, n * I);
  const wih = buffer(seq, gh * I);
  const whh = buffer(seq, gh * H);
  gemm(rows(dGi, n, gh), rows(ops.wih, gh, I), x);
  gemm(transposed(dGi, gh, n), rows(ops.x, n, I), wih);
  gemm(transposed(dGh, gh, n), rows(hprev, n, H), whh);
  const bih = ops.bih ? columnSums(dGi, n, gh, buffer(seq, gh)) : null;
  // b_ih and b_hh share their gradient when dG_i = dG_h (LSTM, RNN): sum once, copy.
  const bhh = ops.bhh ? (dGi === dGh && bih ? bih.slice() : columnSums(dGh, n, gh, buffer(seq, gh))) : null;
  return { x, wih, whh, bih, bhh };
}

/** b_ih + b_hh (or zeros), the bias every gate pre-activation receives once. */
export function biasSum(seq: Sequence, ops: Operands, gh: number): TypedArray {
  const out = buffer(seq, gh);
  for (let j = 0; j < gh; j++) out[j] = (ops.bih ? ops.bih[j]! : 0) + (ops.bhh ? ops.bhh[j]! : 0);
  return out;
}

/** Whether step t of batch entry b is within that sequence's length. */
export function isValid(seq: Sequence, b: number, t: number): boolean {
  return seq.lengths === null || t < seq.lengths[b]!;
}
