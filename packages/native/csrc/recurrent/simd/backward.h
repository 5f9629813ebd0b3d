// The backward step kernel (kernels.h) of one cell kind: per tile of at most RMAX batch rows, the
// product dG_{t+1} W_hh for the block's UV vectors of units (dh_t of those units), then at once
// dG_t of the same units. The formulas are those of recurrent/scalar.cc.
#pragma once

#include "recurrent/kernels.h"
#include "recurrent/simd/product.h"

namespace nabla::rec::NABLA_ISA {

// N units [j, j + m) of batch row b; prod is dG_{t+1} W_hh there (null: none). sx and sh (stride
// U between gates) gather the column sums of the input and hidden sides of dG.
template <class T, Kind K>
static inline void backwardCell(const BackwardStep<T>& s, const T* prod, int b, int j, int m, T* sx,
                                T* sh, int U) {
  using V = typename Vec<T>::V;
  constexpr int G = gatesOf(K);
  const int H = s.H, k = b * H + j;
  const V zero = splat(T(0)), one = splat(T(1));
  V dh = loadm(s.dhs + k, m);
  if (prod) dh = dh + load(prod);
  T* dg = s.dg + ptrdiff_t(b) * G * H + j;
  if (!s.step || (s.lengths && s.t >= s.lengths[b])) {  // a padded step passes dh (and dc) through
    storem(s.dhs + k, dh, m);
    if (!s.step) return;
    for (int q = 0; q < G; ++q) storem(dg + q * H, zero, m);
    if (K == Kind::Gru) storem(s.dgn + k, zero, m);
    return;
  }
  const T* g = s.gates + ptrdiff_t(b) * G * H + j;
  const V dht = dh + loadm(s.dy + k, m);
  V d[G];
  if constexpr (K == Kind::Lstm) {
    const V i = loadm(g, m), f = loadm(g + H, m), gg = loadm(g + 2 * H, m), o = loadm(g + 3 * H, m);
    const V tc = loadm(s.tc + k, m);
    // dc_t gathers the path through h_t = o tanh(c_t) and the one from c_{t+1}.
    const V dct = loadm(s.dc + k, m) + dht * o * (one - tc * tc);
    d[0] = dct * gg * i * (one - i);
    d[1] = dct * loadm(s.cprev + k, m) * f * (one - f);
    d[2] = dct * i * (one - gg * gg);
    d[3] = dht * tc * o * (one - o);
    storem(s.dc + k, dct * f, m);
    storem(s.dhs + k, zero, m);
  } else if constexpr (K == Kind::Gru) {
    const V r = loadm(g, m), z = loadm(g + H, m), n = loadm(g + 2 * H, m);
    const V dn = dht * (one - z) * (one - n * n);
    d[0] = dn * loadm(s.hnew + k, m) * r * (one - r);
    d[1] = dht * (loadm(s.hprev + k, m) - n) * z * (one - z);
    d[2] = dn * r;  // the hidden side: n = tanh(x_n + r (W_hn h + b_hn))
    storem(s.dgn + k, dn, m);
    store(sx, load(sx) + d[0]);
    store(sx + U, load(sx + U) + d[1]);
    store(sx + 2 * U, load(sx + 2 * U) + dn);
    storem(s.dhs + k, dht * z, m);
  } else {
    const V h = loadm(g, m);
    // d tanh = 1 - tanh^2; d relu = [h > 0]
    d[0] = dht * (K == Kind::RnnTanh ? one - h * h : select(gt(h, zero), one, zero));
    storem(s.dhs + k, zero, m);
  }
  for (int q = 0; q < G; ++q) {
    storem(dg + q * H, d[q], m);
    T* sum = (K == Kind::Gru ? sh : sx) + q * U;
    store(sum, load(sum) + d[q]);
  }
}

// Units [j0, j0 + UV N) of every batch row, in groups of at most RG rows whose product stays in
// L1 for the gate math.
template <class T, Kind K, int RMAX, int UV>
void backwardBlock(const BackwardStep<T>& s, const T* panel, int j0) {
  constexpr int G = gatesOf(K), N = Vec<T>::N, U = UV * N, RG = 8 * RMAX;
  const int H = s.H;
  alignas(64) T tile[RG * U];
  alignas(64) T sx[G * U] = {}, sh[G * U] = {};
  const int groups = (s.B + RG - 1) / RG;  // as even as possible
  for (int i = 0; i < groups; ++i) {
    const int g0 = s.B * i / groups, rows = s.B * (i + 1) / groups - g0;
    // What the gate math reads of step t comes from memory: ask for it before the product.
    if (s.step)
      for (int r = g0; r < g0 + rows; ++r) {
        const ptrdiff_t k = ptrdiff_t(r) * H + j0;
        for (int q = 0; q < G; ++q) prefetch(s.gates + ptrdiff_t(r) * G * H + q * H + j0, U);
        prefetch(s.dy + k, U);
        if (K == Kind::Lstm) prefetch(s.tc + k, U), prefetch(s.cprev + k, U);
        if (K == Kind::Gru) prefetch(s.hnew + k, U), prefetch(s.hprev + k, U);
      }
    if (s.dgPrev)
      productBlock<T, UV, RMAX>(rows, G * H, s.dgPrev + ptrdiff_t(g0) * G * H, G * H, panel, tile);
    for (int r = g0; r < g0 + rows; ++r)
      for (int v = 0; v < UV && j0 + v * N < H; ++v) {
        const int j = j0 + v * N, m = H - j < N ? H - j : N;
        const T* prod = s.dgPrev ? tile + (r - g0) * U + v * N : nullptr;
        backwardCell<T, K>(s, prod, r, j, m, sx + v * N, sh + v * N, U);
      }
  }
  if (!s.step) return;
  const int n = H - j0 < U ? H - j0 : U;
  for (int q = 0; q < G; ++q)
    for (int u = 0; u < n; ++u) {
      if (s.dbx) s.dbx[q * H + j0 + u] += sx[q * U + u];
      if (K == Kind::Gru && s.dbh) s.dbh[q * H + j0 + u] += sh[q * U + u];
    }
}

// dx of the step before, columns [j0, j0 + UV N): dG_i W_ih for every batch row. dG_i is dgPrev,
// except the GRU's n columns: dgnPrev (its hidden side carries the factor r).
template <class T, Kind K, int RMAX, int UV>
void backwardInput(const BackwardStep<T>& s, const T* panel, int j0) {
  constexpr int G = gatesOf(K), N = Vec<T>::N, U = UV * N, RG = 8 * RMAX;
  if (!s.dgPrev) return;
  const int H = s.H, GH = G * H;
  alignas(64) T tile[RG * U];
  const int groups = (s.B + RG - 1) / RG;  // as even as possible
  for (int i = 0; i < groups; ++i) {
    const int g0 = s.B * i / groups, rows = s.B * (i + 1) / groups - g0;
    if (K == Kind::Gru) {
      productBlock<T, UV, RMAX>(rows, 2 * H, s.dgPrev + ptrdiff_t(g0) * GH, GH, panel, tile);
      productBlock<T, UV, RMAX>(rows, H, s.dgnPrev + ptrdiff_t(g0) * H, H, panel + 2 * H * U, tile, true);
    } else {
      productBlock<T, UV, RMAX>(rows, GH, s.dgPrev + ptrdiff_t(g0) * GH, GH, panel, tile);
    }
    for (int r = g0; r < g0 + rows; ++r)
      for (int v = 0; v < UV && j0 + v * N < s.I; ++v) {
        const int j = j0 + v * N, m = s.I - j < N ? s.I - j : N;
        storem(s.dxPrev + ptrdiff_t(r) * s.I + j, load(tile + (r - g0) * U + v * N), m);
      }
  }
}

}  // namespace nabla::rec::NABLA_ISA
