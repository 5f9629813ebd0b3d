import { type AttentionMask, type AttentionProblem, allocate, expf, type TypedArray } from "@nablajs/tensor";

// The TypeScript attention kernel: the semantics of the backend interface (AttentionKernels in
// @nablajs/tensor), which the native and WebAssembly kernels are tested against, and what runs
// where a backend has none. One query row at a time: its row of scores (S numbers, less than any
// block) is all that exists of the score matrix; the backward recomputes it from lse.

/** Where the mask entry [b, h, i, j] of head n = b H + h sits, without the j term: a row base. */
function maskRow(p: AttentionProblem, mask: AttentionMask, n: number, i: number): number {
  const [sb, sh, sl] = mask.strides;
  return mask.offset + Math.floor(n / p.H) * sb + (n % p.H) * sh + i * sl;
}

/** scores[j] = scale q_i·k_j + mask (-inf where causal and j > i), for head n, row i; returns the row max. */
function scoreRow(
  p: AttentionProblem,
  q: TypedArray,
  k: TypedArray,
  mask: AttentionMask | null,
  n: number,
  i: number,
  scores: Float64Array,
): number {
  const { L, S, D, scale, causal } = p;
  const qo = (n * L + i) * D;
  const mo = mask === null ? 0 : maskRow(p, mask, n, i);
  const ms = mask === null ? 0 : mask.strides[3];
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < S; j++) {
    if (causal && j > i) {
      scores[j] = Number.NEGATIVE_INFINITY;
      continue;
    }
    const ko = (n * S + j) * D;
    let dot = 0;
    for (let d = 0; d < D; d++) dot += q[qo + d]! * k[ko + d]!;
    let s = scale * dot;
    if (mask !== null) s += mask.data[mo + j * ms]!;
    scores[j] = s;
    if (s > max) max = s;
  }
  return max;
}

/** The forward: out [B H, L, Dv] = softmax(scale q kᵀ + mask) v and lse [B H, L], per row. */
export function flashForward(
  p: AttentionProblem,
  q: TypedArray,
  k: TypedArray,
  v: TypedArray,
  mask: AttentionMask | null,
): { out: TypedArray; lse: TypedArray } {
  const { B, H, L, S, Dv, dtype } = p;
  const exp = dtype === "float32" ? expf : Math.exp;
  const out = allocate(dtype, B * H * L * Dv);
  const lse = allocate(dtype, B * H * L);
  const scores = new Float64Array(S);
  const acc = new Float64Array(Dv);
  for (let n = 0; n < B * H; n++) {
    for (let i = 0; i < L; i++) {
      const max = scoreRow(p, q, k, mask, n, i, scores);
      // NOTE: a row with every key masked has max -inf: e^{s - max} is NaN, and so is the row, as PyTorch's.
      acc.fill(0);
      let sum = 0;
      for (let j = 0; j < S; j++) {
        const e = exp(scores[j]! - max);
        if (e === 0) continue;
        sum += e;
        const vo = (n * S + j) * Dv;
        for (let d = 0; d < Dv; d++) acc[d]! += e * v[vo + d]!;
      }
      const oo = (n * L + i) * Dv;
      for (let d = 0; d < Dv; d++) out[oo + d] = acc[d]! / sum;
      lse[n * L + i] = max + Math.log(sum);
    }
  }
  return { out, lse };
}

/**
 * The backward from dout [B H, L, Dv]: per row, P = e^{s - lse}, dP_j = dout_i·v_j,
 * dS = P (dP - dout_i·out_i); dq_i = scale Σ_j dS_j k_j, dk_j += scale dS_j q_i, dv_j += P_j dout_i.
 */
export function flashBackward(
  p: AttentionProblem,
  q: TypedArray,
  k: TypedArray,
  v: TypedArray,
  mask: AttentionMask | null,
  out: TypedArray,
  lse: TypedArray,
  dout: TypedArray,
): { dq: TypedArray; dk: TypedArray; dv: TypedArray } {
  const { B, H, L, S, D, Dv, scale, dtype } = p;
  const exp = dtype === "float32" ? expf : Math.exp;
  // Accumulated in float64 whatever the dtype (sums over many rows), rounded once at the end.
  const dq = new Float64Array(B * H * L * D);
  const dk = new Float64Array(B * H * S * D);
  const dv = new Float64Array(B * H * S * Dv);
  const scores = new Float64Array(S);
  for (let n = 0; n < B * H; n++) {
    for (let i = 0; i < L; i++) {
      scoreRow(p, q, k, mask, n, i, scores);
      const oo = (n * L + i) * Dv;
      const qo = (n * L + i) * D;
      let delta = 0;
      for (let d = 0; d < Dv; d++) delta += dout[oo + d]! * out[oo + d]!;
      const m = lse[n * L + i]!;
      for (let j = 0; j < S; j++) {
        const pj = exp(scores[j]! - m);
        if (pj === 0) continue;
        const vo = (n * S + j) * Dv;
        const ko = (n * S + j) * D;
        let dp = 0;
        for (let d = 0; d < Dv; d++) {
          dp += dout[oo + d]! * v[vo + d]!;
          dv[vo + d]! += pj * dout[oo + d]!;
        }
        const ds = scale * pj * (dp - delta);
        for (let d = 0; d < D; d++) {
          dq[qo + d]! += ds * k[ko + d]!;
          dk[ko + d]! += ds * q[qo + d]!;
        }
      }
    }
  }
  const as = (a: Float64Array) => (dtype === "float64" ? a : Float32Array.from(a));
  return { dq: as(dq), dk: as(dk), dv: as(dv) };
}
