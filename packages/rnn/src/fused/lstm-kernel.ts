import { getBackend, type TypedArray, type View } from "@nablajs/tensor";
import {
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

/**
 * What the LSTM's forward keeps for BPTT: gate activations i,f,g,o [T, B, 4H], c_t and tanh(c_t)
 * [T, B, H], and h_{t-1} [T, B, H]. With tanh(c_t) kept, the backward needs no transcendental.
 */
export interface LstmSaved {
  gates: TypedArray;
  cs: TypedArray;
  tcs: TypedArray;
  hprev: TypedArray;
}

/** A flat view of `n` elements of `data` from `offset`, for the backend's elementwise kernels. */
function span(data: TypedArray, offset: number, n: number): View {
  return { data, shape: [n], strides: [1], offset };
}

/**
 * The whole sequence of one LSTM direction: one input-projection product, then per step one
 * recurrent product h_{t-1} W_hh^T, one vectorised sigmoid over all four gates, the cell update,
 * and one vectorised tanh of the cell. Returns y [T, B, H] (zeros past each length), h_n and
 * c_n [B, H], and the saved activations.
 */
export function lstmForward(seq: Sequence, ops: Operands) {
  const { T, B, H } = seq;
  const GH = 4 * H;
  const BH = B * H;
  const kernels = getBackend();
  const gates = projectInputs(seq, ops, GH);
  const bias = biasSum(seq, ops, GH);
  const cs = buffer(seq, T * BH);
  const tcs = buffer(seq, T * BH);
  let cPrev = ops.c0!;
  let cOff = 0;
  const { y, hprev, hn } = recurrence(seq, ops, GH, (t, rec, h) => {
    const hOff = h.prevOff;
    const gOff = t * B * GH;
    // Pre-activations. NOTE: the g block is doubled so that ONE sigmoid pass over all four
    // gates also gives tanh(g) = 2 sigmoid(2g) - 1.
    for (let b = 0; b < B; b++) {
      const g0 = gOff + b * GH;
      const r0 = b * GH;
      for (let j = 0; j < GH; j++) gates[g0 + j] = gates[g0 + j]! + rec[r0 + j]! + bias[j]!;
      for (let j = 2 * H; j < 3 * H; j++) gates[g0 + j] = 2 * gates[g0 + j]!;
    }
    kernels.unary("sigmoid", span(gates, gOff, B * GH), gates.subarray(gOff, gOff + B * GH));
    for (let b = 0; b < B; b++) {
      const so = hOff + b * H;
      const g0 = gOff + b * GH;
      const valid = isValid(seq, b, t);
      for (let j = 0; j < H; j++) {
        const g = 2 * gates[g0 + 2 * H + j]! - 1;
        gates[g0 + 2 * H + j] = g;
        const cp = cPrev[cOff + b * H + j]!;
        // A padded step keeps the cell state (the recurrence keeps h).
        cs[so + j] = valid ? gates[g0 + H + j]! * cp + gates[g0 + j]! * g : cp;
      }
    }
    kernels.unary("tanh", span(cs, hOff, BH), tcs.subarray(hOff, hOff + BH));
    for (let b = 0; b < B; b++) {
      const so = b * H;
      const g0 = gOff + b * GH;
      for (let j = 0; j < H; j++) {
        const out = gates[g0 + 3 * H + j]! * tcs[hOff + so + j]!;
        h.y[hOff + so + j] = out;
        h.dst[h.off + so + j] = out;
      }
    }
    cPrev = cs;
    cOff = hOff;
  });
  const cn = cs.slice(cOff, cOff + BH);
  return { y, hn, cn, saved: { gates, cs, tcs, hprev } satisfies LstmSaved };
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
  const GH = 4 * H;
  const BH = B * H;
  const { gates, cs, tcs } = saved;
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
        const tc = tcs[k]!;
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
