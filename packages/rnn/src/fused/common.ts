import {
  allocate,
  expf,
  getBackend,
  type RecurrentOperands,
  type RecurrentSequence,
  type TypedArray,
  tanhf,
  type View,
} from "@nablajs/tensor";

/** The sizes and traversal of one layer direction's sequence (the backend interface's type). */
export type Sequence = RecurrentSequence;

/**
 * One direction's operands as flat row-major arrays with offset 0: x [T, B, I], h0 [B, H],
 * c0 [B, H] (LSTM only), wih [G*H, I], whh [G*H, H], bih and bhh [G*H] (null without bias).
 */
export type Operands = RecurrentOperands;

/** The gradients a fused backward returns: one per operand (null where not needed), in the layout of `Operands`. */
export type OperandGrads = { [K in keyof Operands]: TypedArray | null };

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

/** What every recurrence fills: outputs y [T, B, H] (zeros past each length), h_{t-1} per step [T, B, H], h_n [B, H]. */
export interface Recurrence {
  y: TypedArray;
  hprev: TypedArray;
  hn: TypedArray;
}

/** Where one step of a recurrence reads h_{t-1} and writes h_t. */
export interface Step {
  y: TypedArray;
  prev: TypedArray;
  prevOff: number;
  dst: TypedArray;
  off: number;
}

/**
 * The time loop the fused cells share. Per step t (in traversal order) it computes
 * rec = h_{t-1} W_hh^T [B, G H] with W_hh packed once, and `cell(t, rec, h)` writes h_t for
 * every batch entry into h.y and into h.dst at h.off (the next step's h_{t-1}, or h_n); h_{t-1}
 * is h.prev at h.prevOff. Afterwards entries past their length keep their state and output zeros.
 */
export function recurrence(
  seq: Sequence,
  ops: Operands,
  gh: number,
  cell: (t: number, rec: TypedArray, h: Step) => void,
): Recurrence {
  const { T, B, H } = seq;
  const BH = B * H;
  const rec = buffer(seq, B * gh);
  const y = buffer(seq, T * BH);
  const hprev = buffer(seq, T * BH);
  const hn = buffer(seq, BH);
  hprev.set(ops.h0, timeAt(seq, 0) * BH);
  // W_hh^T serves every step: the backend packs it once per sequence.
  const whhT = prepared(transposed(ops.whh, H, gh));
  for (let s = 0; s < T; s++) {
    const t = timeAt(seq, s);
    const prevOff = t * BH;
    gemm(rows(hprev, B, H, prevOff), whhT, rec);
    const last = s + 1 === T;
    const h = { y, prev: hprev, prevOff, dst: last ? hn : hprev, off: last ? 0 : timeAt(seq, s + 1) * BH };
    cell(t, rec, h);
    if (seq.lengths === null) continue;
    for (let b = 0; b < B; b++) {
      if (isValid(seq, b, t)) continue;
      const so = b * H;
      y.fill(0, prevOff + so, prevOff + so + H);
      h.dst.set(hprev.subarray(prevOff + so, prevOff + so + H), h.off + so);
    }
  }
  return { y, hprev, hn };
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
