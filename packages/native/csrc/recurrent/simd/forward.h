// The forward step kernel (kernels.h) of one cell kind: per tile of at most RMAX batch rows, the
// product h_{t-1} W_hh^T for the block's G gates x UV vectors of units, then the gate math on
// the tile while it is in L1, N units at a time. The formulas are those of recurrent/scalar.cc.
#pragma once

#include "recurrent/kernels.h"
#include "simd/math.h"
#include "recurrent/simd/product.h"

namespace nabla::rec::NABLA_ISA {

// N units [j, j + m) of batch row b; rec + q U holds gate q's recurrent product.
template <class T, Kind K>
static inline void forwardCell(const ForwardStep<T>& s, const T* rec, int U, int b, int j, int m) {
  using V = typename Vec<T>::V;
  const int H = s.H, k = b * H + j;
  const bool valid = s.lengths == nullptr || s.t < s.lengths[b];
  const V zero = splat(T(0)), one = splat(T(1));
  T* g = s.gates + ptrdiff_t(b) * gatesOf(K) * H + j;
  const V hp = loadm(s.hprev + k, m);
  V h;
  if constexpr (K == Kind::Lstm) {
    V pre[4];
    for (int q = 0; q < 4; ++q) {
      pre[q] = loadm(g + q * H, m) + load(rec + q * U);
      if (s.bx) pre[q] = pre[q] + loadm(s.bx + q * H + j, m);
    }
    // c_t = f c_{t-1} + i g, h_t = o tanh(c_t)
    const V i = fastSigmoid(pre[0]), f = fastSigmoid(pre[1]), gg = fastTanh(pre[2]), o = fastSigmoid(pre[3]);
    storem(g, i, m), storem(g + H, f, m), storem(g + 2 * H, gg, m), storem(g + 3 * H, o, m);
    const V cp = loadm(s.cprev + k, m);
    const V c = valid ? fma(f, cp, i * gg) : cp;
    const V tc = fastTanh(c);
    storem(s.cnext + k, c, m);
    storem(s.tc + k, tc, m);
    h = o * tc;
  } else if constexpr (K == Kind::Gru) {
    V x[3], hh[3];
    for (int q = 0; q < 3; ++q) {
      x[q] = loadm(g + q * H, m);
      hh[q] = load(rec + q * U);
      if (s.bx) x[q] = x[q] + loadm(s.bx + q * H + j, m);
      if (s.bh) hh[q] = hh[q] + loadm(s.bh + q * H + j, m);
    }
    // r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r h_n), h_t = (1 - z) n + z h_{t-1}
    const V r = fastSigmoid(x[0] + hh[0]), z = fastSigmoid(x[1] + hh[1]), n = fastTanh(fma(r, hh[2], x[2]));
    storem(g, r, m), storem(g + H, z, m), storem(g + 2 * H, n, m);
    storem(s.hnew + k, hh[2], m);
    h = (one - z) * n + z * hp;
  } else {
    V v = loadm(g, m) + load(rec);
    if (s.bx) v = v + loadm(s.bx + j, m);
    h = K == Kind::RnnTanh ? fastTanh(v) : max(zero, v);  // NaN stays NaN, as torch.relu
    storem(g, h, m);
  }
  storem(s.hnext + k, valid ? h : hp, m);
  storem(s.y + k, valid ? h : zero, m);
}

// Units [j0, j0 + UV N) of every batch row at step s.t, in groups of at most RG rows whose
// product stays in L1 for the gate math.
template <class T, Kind K, int RMAX, int UV>
void forwardBlock(const ForwardStep<T>& s, const T* panel, int j0) {
  constexpr int G = gatesOf(K), N = Vec<T>::N, U = UV * N, C = G * UV, RG = 8 * RMAX;
  alignas(64) T tile[RG * C * N];
  const int groups = (s.B + RG - 1) / RG;  // as even as possible
  for (int i = 0; i < groups; ++i) {
    const int g0 = s.B * i / groups, rows = s.B * (i + 1) / groups - g0;
    // The input projection of these rows comes from memory: ask for it before the product.
    for (int r = g0; r < g0 + rows; ++r)
      for (int q = 0; q < G; ++q) prefetch(s.gates + ptrdiff_t(r) * G * s.H + q * s.H + j0, U);
    productBlock<T, C, RMAX>(rows, s.H, s.hprev + ptrdiff_t(g0) * s.H, s.H, panel, tile);
    for (int r = g0; r < g0 + rows; ++r)
      for (int v = 0; v < UV && j0 + v * N < s.H; ++v) {
        const int j = j0 + v * N, m = s.H - j < N ? s.H - j : N;
        forwardCell<T, K>(s, tile + (r - g0) * C * N + v * N, U, r, j, m);
      }
  }
}

// Every unit of every row, rec [B, G H] holding the recurrent products (kernels.h: forwardRows).
template <class T, Kind K>
void forwardRows(const ForwardStep<T>& s, const T* rec) {
  constexpr int N = Vec<T>::N;
  for (int b = 0; b < s.B; ++b)
    for (int j = 0; j < s.H; j += N)
      forwardCell<T, K>(s, rec + ptrdiff_t(b) * gatesOf(K) * s.H + j, s.H, b, j, s.H - j < N ? s.H - j : N);
}

}  // namespace nabla::rec::NABLA_ISA
