import type { TypedArray } from "@nablajs/tensor";
import {
  activations,
  biasSum,
  buffer,
  gemm,
  isValid,
  type OperandGrads,
  type Operands,
  prepared,
  projectInputs,
  rows,
  type Sequence,
  timeAt,
  transposed,
  weightGrads,
} from "./common.js";

/** The Elman RNN's nonlinearity. */
export type RNNNonlinearity = "tanh" | "relu";

/** What the RNN's forward keeps for BPTT: h_t (= y at valid steps) and h_{t-1} [T, B, H]. */
export interface RnnSaved {
  y: TypedArray;
  hprev: TypedArray;
}

/** The whole sequence of one Elman RNN direction: h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh). */
export function rnnForward(seq: Sequence, ops: Operands, act: RNNNonlinearity) {
  const { T, B, H } = seq;
  const { tanh } = activations(seq);
  const BH = B * H;
  const relu = act === "relu";
  const pre = projectInputs(seq, ops, H);
  const bias = biasSum(seq, ops, H);
  const rec = buffer(seq, BH);
  const y = buffer(seq, T * BH);
  const hprev = buffer(seq, T * BH);
  const hn = buffer(seq, BH);
  hprev.set(ops.h0, timeAt(seq, 0) * BH);
  // W_hh^T serves every step: the backend packs it once per sequence.
  const whhT = prepared(transposed(ops.whh, H, H));
  for (let s = 0; s < T; s++) {
    const t = timeAt(seq, s);
    const hOff = t * BH;
    gemm(rows(hprev, B, H, hOff), whhT, rec);
    const last = s + 1 === T;
    const hDst = last ? hn : hprev;
    const dOff = last ? 0 : timeAt(seq, s + 1) * BH;
    for (let b = 0; b < B; b++) {
      const so = b * H;
      const valid = isValid(seq, b, t);
      for (let j = 0; j < H; j++) {
        const k = hOff + so + j;
        if (!valid) {
          hDst[dOff + so + j] = hprev[k]!;
          continue;
        }
        const v = pre[k]! + rec[so + j]! + bias[j]!;
        const h = relu ? (v > 0 ? v : 0) : tanh(v);
        y[k] = h;
        hDst[dOff + so + j] = h;
      }
    }
  }
  return { y, hn, saved: { y, hprev } satisfies RnnSaved };
}

/** BPTT for one Elman RNN direction: dG_t = (dy_t + dh_t) act'(h_t), dh_{t-1} = dG_t W_hh. */
export function rnnBackward(
  seq: Sequence,
  ops: Operands,
  saved: RnnSaved,
  act: RNNNonlinearity,
  dy: TypedArray,
  dhn: TypedArray,
): OperandGrads {
  const { T, B, H } = seq;
  const BH = B * H;
  const relu = act === "relu";
  const { y } = saved;
  const dG = buffer(seq, T * BH);
  const dh = buffer(seq, BH);
  const dhRec = buffer(seq, BH);
  dh.set(dhn);
  const whh = prepared(rows(ops.whh, H, H));
  for (let s = T - 1; s >= 0; s--) {
    const t = timeAt(seq, s);
    const hOff = t * BH;
    for (let b = 0; b < B; b++) {
      if (!isValid(seq, b, t)) continue;
      const so = b * H;
      for (let j = 0; j < H; j++) {
        const k = hOff + so + j;
        const h = y[k]!;
        // d tanh = 1 - tanh^2; d relu = [h > 0]
        const slope = relu ? (h > 0 ? 1 : 0) : 1 - h * h;
        dG[k] = (dh[so + j]! + dy[k]!) * slope;
      }
    }
    gemm(rows(dG, B, H, hOff), whh, dhRec);
    for (let b = 0; b < B; b++) {
      if (!isValid(seq, b, t)) continue;
      const so = b * H;
      for (let j = 0; j < H; j++) dh[so + j] = dhRec[so + j]!;
    }
  }
  const w = weightGrads(seq, ops, dG, dG, saved.hprev, H);
  return { ...w, h0: dh, c0: null };
}
