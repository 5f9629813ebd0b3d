// Fused attention of one head in float32, four lanes at a time (the semantics of AttentionKernels
// in src/backend/backend.ts). The caller lays the head out in linear memory, zero-padded:
//   q [L4][D4], k [S8][D4], kt [D][S8] (k transposed), v [S8][Dv4], vt [Dv][S8], out and dout
//   [L4][Dv4], lse and delta [L4], the mask at `mask + 4 (i msl + j mss)` (msl, mss: 0 broadcasts),
// with L4, D4, Dv4 multiples of 4 and S8 of 8. Queries go four rows at a time; keys in blocks of
// 64, so the scores of four rows by 64 keys (1 KB) are all that exists of the score matrix.
import { exp4 } from "./unary";

const BC: i32 = 64;

/** s[r][c] = Σ_d a[r][d] bt[d][j0 + c] for 4 rows r and c < n (a multiple of 8): a 4 x 8 tile at a time. */
@inline
function tile4(a: usize, lda: i32, bt: usize, ldb: i32, j0: i32, n: i32, K: i32, s: usize): void {
  const lda4 = <usize>lda << 2;
  for (let c = 0; c < n; c += 8) {
    let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
    let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
    let pb = bt + (<usize>(j0 + c) << 2);
    let pa = a;
    for (let d = 0; d < K; d++) {
      const b0 = v128.load(pb);
      const b1 = v128.load(pb, 16);
      let x = v128.load32_splat(pa);
      c00 = f32x4.add(c00, f32x4.mul(x, b0));
      c01 = f32x4.add(c01, f32x4.mul(x, b1));
      x = v128.load32_splat(pa + lda4);
      c10 = f32x4.add(c10, f32x4.mul(x, b0));
      c11 = f32x4.add(c11, f32x4.mul(x, b1));
      x = v128.load32_splat(pa + 2 * lda4);
      c20 = f32x4.add(c20, f32x4.mul(x, b0));
      c21 = f32x4.add(c21, f32x4.mul(x, b1));
      x = v128.load32_splat(pa + 3 * lda4);
      c30 = f32x4.add(c30, f32x4.mul(x, b0));
      c31 = f32x4.add(c31, f32x4.mul(x, b1));
      pb += <usize>ldb << 2;
      pa += 4;
    }
    const ps = s + (<usize>c << 2);
    v128.store(ps, c00);
    v128.store(ps, c01, 16);
    v128.store(ps + BC * 4, c10);
    v128.store(ps + BC * 4, c11, 16);
    v128.store(ps + BC * 8, c20);
    v128.store(ps + BC * 8, c21, 16);
    v128.store(ps + BC * 12, c30);
    v128.store(ps + BC * 12, c31, 16);
  }
}

/** row[c] = scale row[c] + mask (-inf from `limit` on, and past n); returns the row's max. */
@inline
function prepare(row: usize, n: i32, limit: i32, scale: f32, mask: usize, mss: i32): f32 {
  let best: f32 = -Infinity;
  for (let c = 0; c < BC; c++) {
    const p = row + (<usize>c << 2);
    let x: f32 = -Infinity;
    if (c < limit) {
      x = scale * load<f32>(p);
      if (mask !== 0) x += load<f32>(mask + (<usize>(c * mss) << 2));
      if (x > best) best = x;
    }
    store<f32>(p, x);
  }
  return best;
}

/** row[c] = e^{row[c] - shift} over the block (BC values, -inf giving 0); returns the sum. */
@inline
function expRow(row: usize, shift: f32): f32 {
  const m = f32x4.splat(shift);
  let sum = f32x4.splat(0);
  for (let c = 0; c < BC; c += 4) {
    const p = row + (<usize>c << 2);
    const e = exp4(f32x4.sub(v128.load(p), m));
    v128.store(p, e);
    sum = f32x4.add(sum, e);
  }
  return f32x4.extract_lane(sum, 0) + f32x4.extract_lane(sum, 1) + f32x4.extract_lane(sum, 2) + f32x4.extract_lane(sum, 3);
}

/** The first key of the block at j0 (n keys) that query i may not see. */
@inline
function limitOf(causal: bool, i: i32, j0: i32, n: i32): i32 {
  return causal ? max(0, min(n, i - j0 + 1)) : n;
}

/** out and lse of one head: per four query rows, the keys block by block with an online softmax. */
export function attentionForwardF32(
  L: i32, S: i32, D: i32, Dv: i32, scale: f32, causal: bool,
  q: usize, kt: usize, v: usize,
  mask: usize, msl: i32, mss: i32,
  out: usize, lse: usize, s: usize, stats: usize,
): void {
  const D4 = (D + 3) & ~3, Dv4 = (Dv + 3) & ~3, S8 = (S + 7) & ~7;
  const ldv = <usize>Dv4 << 2;
  for (let i0 = 0; i0 < L; i0 += 4) {
    // stats: the running max m[r] and sum l[r] of the 4 rows.
    for (let r = 0; r < 4; r++) {
      store<f32>(stats + (<usize>r << 2), -Infinity);
      store<f32>(stats + (<usize>(4 + r) << 2), 0);
    }
    memory.fill(out + <usize>i0 * ldv, 0, 4 * ldv);
    const keys = causal ? min(S, i0 + 4) : S;
    for (let j0 = 0; j0 < keys; j0 += BC) {
      const n = min(BC, keys - j0);
      tile4(q + (<usize>(i0 * D4) << 2), D4, kt, S8, j0, (n + 7) & ~7, D, s);
      for (let r = 0; r < 4; r++) {
        const i = i0 + r;
        const row = s + (<usize>(r * BC) << 2);
        const mrow: usize = mask === 0 || i >= L ? 0 : mask + (<usize>(i * msl + j0 * mss) << 2);
        const mOld = load<f32>(stats + (<usize>r << 2));
        const best = max(mOld, prepare(row, n, i < L ? limitOf(causal, i, j0, n) : n, scale, mrow, mss));
        if (best === -Infinity) {
          memory.fill(row, 0, BC * 4);
          continue;
        }
        const alpha: f32 = mOld === -Infinity ? 0 : <f32>Math.exp(mOld - best);
        const lp = stats + (<usize>(4 + r) << 2);
        store<f32>(lp, load<f32>(lp) * alpha + expRow(row, best));
        store<f32>(stats + (<usize>r << 2), best);
        const o = out + <usize>(i0 + r) * ldv;
        if (alpha !== 1) for (let d = 0; d < Dv4; d += 4) v128.store(o + (<usize>d << 2), f32x4.mul(v128.load(o + (<usize>d << 2)), f32x4.splat(alpha)));
      }
      // out[r] += Σ_c p[r][c] v[j0 + c], four rows sharing each load of v.
      for (let d = 0; d < Dv4; d += 4) {
        const po = out + <usize>i0 * ldv + (<usize>d << 2);
        let o0 = v128.load(po), o1 = v128.load(po + ldv), o2 = v128.load(po + 2 * ldv), o3 = v128.load(po + 3 * ldv);
        for (let c = 0; c < n; c++) {
          const vv = v128.load(v + <usize>(j0 + c) * ldv + (<usize>d << 2));
          const pc = s + (<usize>c << 2);
          o0 = f32x4.add(o0, f32x4.mul(v128.load32_splat(pc), vv));
          o1 = f32x4.add(o1, f32x4.mul(v128.load32_splat(pc + BC * 4), vv));
          o2 = f32x4.add(o2, f32x4.mul(v128.load32_splat(pc + BC * 8), vv));
          o3 = f32x4.add(o3, f32x4.mul(v128.load32_splat(pc + BC * 12), vv));
        }
        v128.store(po, o0);
        v128.store(po + ldv, o1);
        v128.store(po + 2 * ldv, o2);
        v128.store(po + 3 * ldv, o3);
      }
    }
    for (let r = 0; r < 4; r++) {
      const l = load<f32>(stats + (<usize>(4 + r) << 2));
      // NOTE: l = 0 when every key of the row is masked: NaN, as PyTorch 1.13.
      const inv: f32 = l > 0 ? 1 / l : NaN;
      const o = out + <usize>(i0 + r) * ldv;
      for (let d = 0; d < Dv4; d += 4) v128.store(o + (<usize>d << 2), f32x4.mul(v128.load(o + (<usize>d << 2)), f32x4.splat(inv)));
      store<f32>(lse + (<usize>(i0 + r) << 2), l > 0 ? load<f32>(stats + (<usize>r << 2)) + <f32>Math.log(l) : NaN);
    }
  }
}

/** acc[0..n4) += x * row[0..n4): one row of a rank-1 update. */
@inline
function axpy(acc: usize, x: f32, row: usize, n4: i32): void {
  const xv = f32x4.splat(x);
  for (let d = 0; d < n4; d += 4) {
    const p = acc + (<usize>d << 2);
    v128.store(p, f32x4.add(v128.load(p), f32x4.mul(xv, v128.load(row + (<usize>d << 2)))));
  }
}

/**
 * dq, dk, dv of one head (written, in the padded layouts of q, k, v): per four query rows and
 * block of keys, P = e^{s - lse} recomputed, dv += Pᵀ dout, dP = dout vᵀ, dS = scale P (dP - δ),
 * dq += dS k, dk += dSᵀ q. `s` and `dp` are scratch blocks of 4 x 64, delta [L4].
 */
export function attentionBackwardF32(
  L: i32, S: i32, D: i32, Dv: i32, scale: f32, causal: bool,
  q: usize, k: usize, kt: usize, v: usize, vt: usize,
  mask: usize, msl: i32, mss: i32,
  out: usize, lse: usize, dout: usize,
  dq: usize, dk: usize, dv: usize, s: usize, dp: usize, delta: usize,
): void {
  const D4 = (D + 3) & ~3, Dv4 = (Dv + 3) & ~3, S8 = (S + 7) & ~7, L4 = (L + 3) & ~3;
  const ldq = <usize>D4 << 2, ldv = <usize>Dv4 << 2;
  memory.fill(dq, 0, <usize>L4 * ldq);
  memory.fill(dk, 0, <usize>S8 * ldq);
  memory.fill(dv, 0, <usize>S8 * ldv);
  for (let i = 0; i < L4; i++) {
    let acc = f32x4.splat(0);
    for (let d = 0; d < Dv4; d += 4) {
      const off = <usize>i * ldv + (<usize>d << 2);
      acc = f32x4.add(acc, f32x4.mul(v128.load(dout + off), v128.load(out + off)));
    }
    store<f32>(delta + (<usize>i << 2), f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
  }
  for (let i0 = 0; i0 < L; i0 += 4) {
    const keys = causal ? min(S, i0 + 4) : S;
    for (let j0 = 0; j0 < keys; j0 += BC) {
      const n = min(BC, keys - j0);
      const n8 = (n + 7) & ~7;
      tile4(q + <usize>i0 * ldq, D4, kt, S8, j0, n8, D, s);
      tile4(dout + <usize>i0 * ldv, Dv4, vt, S8, j0, n8, Dv, dp);
      for (let r = 0; r < 4; r++) {
        const i = i0 + r;
        const row = s + (<usize>(r * BC) << 2);
        if (i >= L) {
          memory.fill(row, 0, BC * 4);
          continue;
        }
        const mrow: usize = mask === 0 ? 0 : mask + (<usize>(i * msl + j0 * mss) << 2);
        prepare(row, n, limitOf(causal, i, j0, n), scale, mrow, mss);
        expRow(row, load<f32>(lse + (<usize>i << 2)));
        // dS = scale P (dP - δ), in place of P once dv has used P.
        const prow = dp + (<usize>(r * BC) << 2);
        const dl = load<f32>(delta + (<usize>i << 2));
        for (let c = 0; c < n; c++) {
          const pc = load<f32>(row + (<usize>c << 2));
          if (pc === 0) continue;
          axpy(dv + <usize>(j0 + c) * ldv, pc, dout + <usize>i * ldv, Dv4);
          store<f32>(prow + (<usize>c << 2), scale * pc * (load<f32>(prow + (<usize>c << 2)) - dl));
        }
        for (let c = 0; c < n; c++) {
          const ds: f32 = load<f32>(row + (<usize>c << 2)) === 0 ? 0 : load<f32>(prow + (<usize>c << 2));
          if (ds === 0) continue;
          axpy(dq + <usize>i * ldq, ds, k + <usize>(j0 + c) * ldq, D4);
          axpy(dk + <usize>(j0 + c) * ldq, ds, q + <usize>i * ldq, D4);
        }
      }
    }
  }
}
