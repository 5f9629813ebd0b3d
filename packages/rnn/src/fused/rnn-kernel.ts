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
  recurrence,
  rows,
  type Sequence,
  timeAt,
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
  const { B, H } = seq;
  const { tanh } = activations(seq);
  const relu = act === "relu";
  const pre = projectInputs(seq, ops, H);
  const bias = biasSum(seq, ops, H);
  const { y, hprev, hn } = recurrence(seq, ops, H, (_, rec, h) => {
    for (let b = 0; b < B; b++) {
      const so = b * H;
      for (let j = 0; j < H; j++) {
        const k = h.prevOff + so + j;
        const v = pre[k]! + rec[so + j]! + bias[j]!;
        const out = relu ? (v < 0 ? 0 : v) : tanh(v); // NaN stays NaN, as torch.relu
        h.y[k] = out;
        h.dst[h.off + so + j] = out;
      }
    }
  });
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
