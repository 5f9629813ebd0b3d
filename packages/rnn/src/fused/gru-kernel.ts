import type { TypedArray } from "@nablajs/tensor";
import {
  activations,
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

/** What the GRU's forward keeps for BPTT: r, z, n [T, B, 3H], W_hn h_{t-1} + b_hn and h_{t-1} [T, B, H]. */
export interface GruSaved {
  gates: TypedArray;
  hnew: TypedArray;
  hprev: TypedArray;
}

/**
 * The whole sequence of one GRU direction (one input-projection product, per step one recurrent
 * product and one fused gate loop). Returns y [T, B, H], h_n [B, H] and the saved activations.
 */
export function gruForward(seq: Sequence, ops: Operands) {
  const { T, B, H } = seq;
  const { exp, tanh } = activations(seq);
  const GH = 3 * H;
  const BH = B * H;
  const gates = projectInputs(seq, ops, GH);
  const bi = ops.bih ?? buffer(seq, GH);
  const bh = ops.bhh ?? buffer(seq, GH);
  const rec = buffer(seq, B * GH);
  const y = buffer(seq, T * BH);
  const hnew = buffer(seq, T * BH);
  const hprev = buffer(seq, T * BH);
  const hn = buffer(seq, BH);
  hprev.set(ops.h0, timeAt(seq, 0) * BH);
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
        for (let j = 0; j < H; j++) hDst[dOff + so + j] = hprev[hOff + so + j]!;
        continue;
      }
      const g0 = (t * B + b) * GH;
      const r0 = b * GH;
      for (let j = 0; j < H; j++) {
        const gi = g0 + j;
        const ri = r0 + j;
        // σ(v) = 1 / (1 + exp(-v)), written out in the loop.
        const r = 1 / (1 + exp(-(gates[gi]! + bi[j]! + rec[ri]! + bh[j]!)));
        const z = 1 / (1 + exp(-(gates[gi + H]! + bi[j + H]! + rec[ri + H]! + bh[j + H]!)));
        const hnv = rec[ri + 2 * H]! + bh[j + 2 * H]!;
        const n = tanh(gates[gi + 2 * H]! + bi[j + 2 * H]! + r * hnv);
        const h = (1 - z) * n + z * hprev[hOff + so + j]!;
        gates[gi] = r;
        gates[gi + H] = z;
        gates[gi + 2 * H] = n;
        hnew[hOff + so + j] = hnv;
        y[hOff + so + j] = h;
        hDst[dOff + so + j] = h;
      }
    }
  }
  return { y, hn, saved: { gates, hnew, hprev } satisfies GruSaved };
}

/**
 * BPTT for one GRU direction. The input side and the hidden side differ only in n's gradient
 * (r multiplies W_hn h + b_hn), so two dG arrays are kept: dG_i for W_ih, b_ih and x, dG_h for
 * W_hh, b_hh and h.
 */
export function gruBackward(
  seq: Sequence,
  ops: Operands,
  saved: GruSaved,
  dy: TypedArray,
  dhn: TypedArray,
): OperandGrads {
  const { T, B, H } = seq;
  const GH = 3 * H;
  const BH = B * H;
  const { gates, hnew, hprev } = saved;
  const dGi = buffer(seq, T * B * GH);
  const dGh = buffer(seq, T * B * GH);
  const dh = buffer(seq, BH);
  const dhRec = buffer(seq, BH);
  dh.set(dhn);
  const whh = prepared(rows(ops.whh, GH, H));
  for (let s = T - 1; s >= 0; s--) {
    const t = timeAt(seq, s);
    const hOff = t * BH;
    for (let b = 0; b < B; b++) {
      if (!isValid(seq, b, t)) continue;
      const so = b * H;
      const g0 = (t * B + b) * GH;
      for (let j = 0; j < H; j++) {
        const gi = g0 + j;
        const k = hOff + so + j;
        const r = gates[gi]!;
        const z = gates[gi + H]!;
        const n = gates[gi + 2 * H]!;
        const dht = dh[so + j]! + dy[k]!;
        // h = (1 - z) n + z h_prev
        const dnp = dht * (1 - z) * (1 - n * n);
        const drp = dnp * hnew[k]! * r * (1 - r);
        const dzp = dht * (hprev[k]! - n) * z * (1 - z);
        dGi[gi] = drp;
        dGi[gi + H] = dzp;
        dGi[gi + 2 * H] = dnp;
        dGh[gi] = drp;
        dGh[gi + H] = dzp;
        dGh[gi + 2 * H] = dnp * r;
        dh[so + j] = dht * z;
      }
    }
    gemm(rows(dGh, B, GH, t * B * GH), whh, dhRec);
    for (let b = 0; b < B; b++) {
      if (!isValid(seq, b, t)) continue;
      const so = b * H;
      for (let j = 0; j < H; j++) dh[so + j]! += dhRec[so + j]!;
    }
  }
  const w = weightGrads(seq, ops, dGi, dGh, hprev, GH);
  return { ...w, h0: dh, c0: null };
}
