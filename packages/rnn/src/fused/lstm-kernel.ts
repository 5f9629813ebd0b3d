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

/** What the LSTM's forward keeps for BPTT: gate activations i,f,g,o [T, B, 4H], c_t and h_{t-1} [T, B, H]. */
export interface LstmSaved {
  gates: TypedArray;
  cs: TypedArray;
  hprev: TypedArray;
}

/**
 * The whole sequence of one LSTM direction: one input-projection product, then per step one
 * recurrent product h_{t-1} W_hh^T and one fused loop for the gates and the cell update.
 * Returns y [T, B, H] (zeros past each length), h_n and c_n [B, H], and the saved activations.
 */
export function lstmForward(seq: Sequence, ops: Operands) {
  const { T, B, H } = seq;
  const { exp, tanh } = activations(seq);
  const GH = 4 * H;
  const BH = B * H;
  const gates = projectInputs(seq, ops, GH);
  const bias = biasSum(seq, ops, GH);
  const rec = buffer(seq, B * GH);
  const y = buffer(seq, T * BH);
  const cs = buffer(seq, T * BH);
  const hprev = buffer(seq, T * BH);
  const hn = buffer(seq, BH);
  hprev.set(ops.h0, timeAt(seq, 0) * BH);
  let cPrev = ops.c0!;
  let cOff = 0;
  // W_hh^T serves every step: the backend packs it once per sequence.
  const whhT = prepared(transposed(ops.whh, H, GH));
  for (let s = 0; s < T; s++) {
    const t = timeAt(seq, s);
    const hOff = t * BH;
    gemm(rows(hprev, B, H, hOff), whhT, rec);
    const last = s + 1 === T;
    const hDst = last ? hn : hprev;
    const dOff = last ? 0 : timeAt(seq, s + 1) * BH;
    for (let b = 0; b < B; b++) {
      const so = b * H;
      if (!isValid(seq, b, t)) {
        // A padded step keeps the state and outputs zeros.
        for (let j = 0; j < H; j++) {
          cs[hOff + so + j] = cPrev[cOff + so + j]!;
          hDst[dOff + so + j] = hprev[hOff + so + j]!;
        }
        continue;
      }
      const g0 = (t * B + b) * GH;
      const r0 = b * GH;
      for (let j = 0; j < H; j++) {
        const gi = g0 + j;
        const ri = r0 + j;
        // σ(v) = 1 / (1 + exp(-v)), written out in the loop.
        const i = 1 / (1 + exp(-(gates[gi]! + rec[ri]! + bias[j]!)));
        const f = 1 / (1 + exp(-(gates[gi + H]! + rec[ri + H]! + bias[j + H]!)));
        const g = tanh(gates[gi + 2 * H]! + rec[ri + 2 * H]! + bias[j + 2 * H]!);
        const o = 1 / (1 + exp(-(gates[gi + 3 * H]! + rec[ri + 3 * H]! + bias[j + 3 * H]!)));
        const c = f * cPrev[cOff + so + j]! + i * g;
        const h = o * tanh(c);
        gates[gi] = i;
        gates[gi + H] = f;
        gates[gi + 2 * H] = g;
        gates[gi + 3 * H] = o;
        cs[hOff + so + j] = c;
        y[hOff + so + j] = h;
        hDst[dOff + so + j] = h;
      }
    }
    cPrev = cs;
    cOff = hOff;
  }
  const cn = cs.slice(cOff, cOff + BH);
  return { y, hn, cn, saved: { gates, cs, hprev } satisfies LstmSaved };
}

/**
 * Backpropagation through time for one LSTM direction, given the cotangents of y, h_n and c_n:
 * per step one fused loop for the gate gradients dG and one product dG_t W_hh for dh_{t-1};
 * then dX, dW_ih, dW_hh as one product each over all steps.
 */
export function lstmBackward(
  seq: Sequence,
  ops: Operands,
  saved: LstmSaved,
  dy: TypedArray,
  dhn: TypedArray,
  dcn: TypedArray,
): OperandGrads {
  const { T, B, H } = seq;
  const { tanh } = activations(seq);
  const GH = 4 * H;
  const BH = B * H;
  const { gates, cs } = saved;
  const dG = buffer(seq, T * B * GH);
  const dh = buffer(seq, BH);
  const dc = buffer(seq, BH);
  const dhRec = buffer(seq, BH);
  dh.set(dhn);
  dc.set(dcn);
  const whh = prepared(rows(ops.whh, GH, H));
  for (let s = T - 1; s >= 0; s--) {
    const t = timeAt(seq, s);
    const hOff = t * BH;
    const cPrev = s > 0 ? cs : ops.c0!;
    const cOff = s > 0 ? timeAt(seq, s - 1) * BH : 0;
    for (let b = 0; b < B; b++) {
      if (!isValid(seq, b, t)) continue;
      const so = b * H;
      const g0 = (t * B + b) * GH;
      for (let j = 0; j < H; j++) {
        const gi = g0 + j;
        const k = hOff + so + j;
        const i = gates[gi]!;
        const f = gates[gi + H]!;
        const g = gates[gi + 2 * H]!;
        const o = gates[gi + 3 * H]!;
        const tc = tanh(cs[k]!);
        const dht = dh[so + j]! + dy[k]!;
        // dc_t gathers the path through h_t = o tanh(c_t) and the one from c_{t+1}.
        const dct = dc[so + j]! + dht * o * (1 - tc * tc);
        dG[gi] = dct * g * i * (1 - i);
        dG[gi + H] = dct * cPrev[cOff + so + j]! * f * (1 - f);
        dG[gi + 2 * H] = dct * i * (1 - g * g);
        dG[gi + 3 * H] = dht * tc * o * (1 - o);
        dc[so + j] = dct * f;
      }
    }
    gemm(rows(dG, B, GH, t * B * GH), whh, dhRec);
    for (let b = 0; b < B; b++) {
      if (!isValid(seq, b, t)) continue;
      const so = b * H;
      for (let j = 0; j < H; j++) dh[so + j] = dhRec[so + j]!;
    }
  }
  const w = weightGrads(seq, ops, dG, dG, saved.hprev, GH);
  return { ...w, h0: dh, c0: dc };
}
