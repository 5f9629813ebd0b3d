// The attention kernels (kernels.h) for one instruction set: the including file defines
// NABLA_ISA and NABLA_VEC_BYTES and instantiates `table`. Products go to the GEMM (gemm.h), which
// runs on the calling thread inside a pool task; the row math is rows.h.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "attention/kernels.h"
#include "attention/norm-inl.h"
#include "attention/rows.h"
#include "gemm/gemm.h"

namespace nabla::attn::NABLA_ISA {

// dst [cols, rows] = src [rows, cols]ᵀ, 8 x 8 tiles so both sides stay in cache lines.
template <class T>
void transpose(const T* src, int rows, int cols, T* dst) {
  for (int r0 = 0; r0 < rows; r0 += 8)
    for (int c0 = 0; c0 < cols; c0 += 8)
      for (int r = r0; r < std::min(rows, r0 + 8); ++r)
        for (int c = c0; c < std::min(cols, c0 + 8); ++c) dst[size_t(c) * rows + r] = src[size_t(r) * cols + c];
}

// The first key that row i may not see in the block of keys from j0 (n of them): n without causal.
inline int causalLimit(const Problem& p, int i, int j0, int n) {
  return p.causal ? std::clamp(i - j0 + 1, 0, n) : n;
}

// Rows [i0, i0 + rows) of one head: S = Q Kᵀ per block of keys, the online softmax, O += P V.
template <class T>
void forwardBlock(const Problem& p, const Head<T>& h, int i0, int rows, T* out, T* lse, Scratch<T>& sc,
                  unsigned long call) {
  const int S = p.S, D = p.D, Dv = p.Dv;
  const T scale = T(p.scale), ninf = -std::numeric_limits<T>::infinity();
  T* kt = Scratch<T>::sized(sc.kt, size_t(D) * S);
  if (sc.ktHead != h.k || sc.ktCall != call) transpose(h.k, S, D, kt);
  sc.ktHead = h.k, sc.ktCall = call;
  T* s = Scratch<T>::sized(sc.s, size_t(kBr) * kBc);
  T* acc = Scratch<T>::sized(sc.acc, size_t(kBr) * Dv);
  T* m = Scratch<T>::sized(sc.m, kBr);
  T* l = Scratch<T>::sized(sc.l, kBr);
  std::fill(acc, acc + size_t(rows) * Dv, T(0));
  std::fill(m, m + rows, ninf);
  std::fill(l, l + rows, T(0));
  // Causal: no row of the block sees a key past its last row.
  const int keys = p.causal ? std::min(S, i0 + rows) : S;
  for (int j0 = 0; j0 < keys; j0 += kBc) {
    const int n = std::min(kBc, keys - j0);
    gemm<T>(rows, n, D, h.q + size_t(i0) * D, D, 1, kt + j0, S, 1, s, n, false);
    for (int r = 0; r < rows; ++r) {
      const int i = i0 + r;
      T* row = s + size_t(r) * n;
      const T* mask = h.mask ? h.mask + i * h.sl + j0 * h.ss : nullptr;
      const T best = std::max(m[r], prepareRow(row, n, scale, mask, h.ss, causalLimit(p, i, j0, n)));
      if (best == ninf) {  // every key so far masked: nothing to add yet
        std::fill(row, row + n, T(0));
        continue;
      }
      // The running sum and output were relative to e^{m}; now to e^{best}.
      const T alpha = m[r] == ninf ? T(0) : T(std::exp(m[r] - best));
      l[r] = l[r] * alpha + expRow(row, n, best);
      if (alpha != T(1)) scaleRow(acc + size_t(r) * Dv, Dv, alpha);
      m[r] = best;
    }
    gemm<T>(rows, Dv, n, s, n, 1, h.v + size_t(j0) * Dv, Dv, 1, acc, Dv, true);
  }
  for (int r = 0; r < rows; ++r) {
    T* o = out + size_t(i0 + r) * Dv;
    // NOTE: l = 0 when every key of the row is masked: 0/0 gives NaN, as PyTorch 1.13.
    const T inv = l[r] > T(0) ? T(1) / l[r] : std::numeric_limits<T>::quiet_NaN();
    for (int c = 0; c < Dv; ++c) o[c] = acc[size_t(r) * Dv + c] * inv;
    lse[i0 + r] = l[r] > T(0) ? m[r] + T(std::log(l[r])) : std::numeric_limits<T>::quiet_NaN();
  }
}

// One head's backward: per block of keys (its dk, dv rows accumulate in place) and per block of
// queries that can see it, P from lse, then dV += Pᵀ dO, dP = dO Vᵀ, dS, dQ += dS K, dK += dSᵀ Q.
template <class T>
void backwardHead(const Problem& p, const Head<T>& h, const T* out, const T* lse, const T* dout, T* dq, T* dk,
                  T* dv, Scratch<T>& sc) {
  const int L = p.L, S = p.S, D = p.D, Dv = p.Dv;
  const T scale = T(p.scale);
  T* kt = Scratch<T>::sized(sc.kt, size_t(D) * S);
  T* vt = Scratch<T>::sized(sc.vt, size_t(Dv) * S);
  T* s = Scratch<T>::sized(sc.s, size_t(kBr) * kBc);
  T* dp = Scratch<T>::sized(sc.dp, size_t(kBr) * kBc);
  T* delta = Scratch<T>::sized(sc.delta, L);
  transpose(h.k, S, D, kt);
  transpose(h.v, S, Dv, vt);
  sc.ktHead = nullptr;  // kt now holds this head's keys, but no forward call's
  std::fill(dq, dq + size_t(L) * D, T(0));
  std::fill(dk, dk + size_t(S) * D, T(0));
  std::fill(dv, dv + size_t(S) * Dv, T(0));
  for (int i = 0; i < L; ++i) {
    T d = 0;
    for (int c = 0; c < Dv; ++c) d += dout[size_t(i) * Dv + c] * out[size_t(i) * Dv + c];
    delta[i] = d;
  }
  for (int j0 = 0; j0 < S; j0 += kBc) {
    const int n = std::min(kBc, S - j0);
    // Causal: rows before j0 see none of these keys.
    for (int i0 = p.causal ? j0 / kBr * kBr : 0; i0 < L; i0 += kBr) {
      const int rows = std::min(kBr, L - i0);
      gemm<T>(rows, n, D, h.q + size_t(i0) * D, D, 1, kt + j0, S, 1, s, n, false);
      for (int r = 0; r < rows; ++r) {
        const int i = i0 + r;
        T* row = s + size_t(r) * n;
        const T* mask = h.mask ? h.mask + i * h.sl + j0 * h.ss : nullptr;
        prepareRow(row, n, scale, mask, h.ss, causalLimit(p, i, j0, n));
        expRow(row, n, lse[i]);  // P = e^{s - lse}
      }
      gemm<T>(n, Dv, rows, s, 1, n, dout + size_t(i0) * Dv, Dv, 1, dv + size_t(j0) * Dv, Dv, true);
      gemm<T>(rows, n, Dv, dout + size_t(i0) * Dv, Dv, 1, vt + j0, S, 1, dp, n, false);
      for (int r = 0; r < rows; ++r)
        softmaxGradRow(s + size_t(r) * n, dp + size_t(r) * n, n, delta[i0 + r], scale);
      gemm<T>(rows, D, n, s, n, 1, h.k + size_t(j0) * D, D, 1, dq + size_t(i0) * D, D, true);
      gemm<T>(n, D, rows, s, 1, n, h.q + size_t(i0) * D, D, 1, dk + size_t(j0) * D, D, true);
    }
  }
}

template <class T>
constexpr AttentionKernels<T> table(const char* isa) {
  return {isa, forwardBlock<T>, backwardHead<T>, geluRange<T>, layerNormRows<T>, layerNormBackwardRows<T>};
}

}  // namespace nabla::attn::NABLA_ISA
