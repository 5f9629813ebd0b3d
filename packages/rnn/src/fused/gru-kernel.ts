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
  recurrence,
  rows,
  type Sequence,
  timeAt,
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
  const hnew = buffer(seq, T * BH);
  const { y, hprev, hn } = recurrence(seq, ops, GH, (t, rec, h) => {
    for (let b = 0; b < B; b++) {
      const so = b * H;
      const g0 = (t * B + b) * GH;
      const r0 = b * GH;
      for (let j = 0; j < H; j++) {
        const gi = g0 + j;
        const ri = r0 + j;
        const k = h.prevOff + so + j;
        // σ(v) = 1 / (1 + exp(-v)), written out in the loop.
        const r = 1 / (1 + exp(-(gates[gi]! + bi[j]! + rec[ri]! + bh[j]!)));
        const z = 1 / (1 + exp(-(gates[gi + H]! + bi[j + H]! + rec[ri + H]! + bh[j + H]!)));
        const hnv = rec[ri + 2 * H]! + bh[j + 2 * H]!;
        const n = tanh(gates[gi + 2 * H]! + bi[j + 2 * H]! + r * hnv);
        const out = (1 - z) * n + z * h.prev[k]!;
        gates[gi] = r;
        gates[gi + H] = z;
        gates[gi + 2 * H] = n;
        hnew[k] = hnv;
        h.y[k] = out;
        h.dst[h.off + so + j] = out;
      }
    }
  });
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
