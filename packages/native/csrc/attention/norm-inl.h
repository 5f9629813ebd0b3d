// The Transformer's elementwise and row kernels beside attention, for one instruction set
// (included by kernel-inl.h): GELU with its derivative in one pass, and LayerNorm over rows of n
// with its backward. Each works on a range of elements or rows; the driver splits the ranges.
#pragma once

#include <cmath>

#include "attention/rows.h"

namespace nabla::attn::NABLA_ISA {

// tanh(u) = sign(u) (1 - 2 / (e^{2|u|} + 1)), |u| clamped where tanh is ±1 to the last bit.
template <class T>
static inline typename Vec<T>::V tanhv(typename Vec<T>::V u) {
  using I = typename Vec<T>::I;
  const T big = sizeof(T) == 4 ? T(9.5) : T(19.5);
  const I negative = u < T(0);
  auto a = negative ? -u : u;
  a = a > big ? splat(big) : a;
  const auto t = T(1) - T(2) / (expv(a + a) + T(1));
  return negative ? -t : t;
}

// y = gelu(x), dy = gelu'(x) for i in [i0, i1). tanh's form, four lanes and more at a time:
//   t = tanh(c (x + k x^3)), y = x (1 + t) / 2, dy = (1 + t) / 2 + x (1 - t^2) c (1 + 3 k x^2) / 2;
// the exact form, one value at a time with the C library's erf:
//   y = x Φ(x), dy = Φ(x) + x φ(x), Φ(x) = (1 + erf(x / sqrt 2)) / 2.
template <class T>
void geluRange(bool tanhForm, const T* x, T* y, T* dy, ptrdiff_t i0, ptrdiff_t i1) {
  // sqrt(2/pi) as PyTorch writes it (M_SQRT2 * M_2_SQRTPI / 2); the M_ macros are not standard C++.
  const double sqrt2 = 1.4142135623730951, twoOverSqrtPi = 1.1283791670955126, sqrtHalf = 0.7071067811865476;
  const T c = T(sqrt2 * twoOverSqrtPi * 0.5), k = T(0.044715);
  if (!tanhForm) {
    for (ptrdiff_t i = i0; i < i1; ++i) {
      const T v = x[i], phi = T(0.5) * (T(1) + std::erf(v * T(sqrtHalf)));
      y[i] = v * phi;
      dy[i] = phi + v * T(0.5 * twoOverSqrtPi * sqrtHalf) * std::exp(T(-0.5) * v * v);
    }
    return;
  }
  constexpr int N = kN<T>;
  auto one = [&](const T* px, T* py, T* pd) {
    const auto v = load(px);
    const auto t = tanhv<T>(c * (v + k * v * v * v));
    const auto half = T(0.5) * (T(1) + t);
    store(py, v * half);
    store(pd, half + T(0.5) * v * (T(1) - t * t) * c * (T(1) + T(3) * k * v * v));
  };
  ptrdiff_t i = i0;
  for (; i + N <= i1; i += N) one(x + i, y + i, dy + i);
  if (i < i1) {
    T tx[N] = {}, ty[N], td[N];
    std::memcpy(tx, x + i, sizeof(T) * (i1 - i));
    one(tx, ty, td);
    std::memcpy(y + i, ty, sizeof(T) * (i1 - i));
    std::memcpy(dy + i, td, sizeof(T) * (i1 - i));
  }
}

// Rows [r0, r1) of x [rows, n]: mean, rstd = 1 / sqrt(var + eps) (biased variance, two passes),
// y = (x - mean) rstd w + b (w, b may be null).
template <class T>
void layerNormRows(int n, T eps, const T* x, const T* w, const T* b, T* y, T* mean, T* rstd, int r0, int r1) {
  for (int r = r0; r < r1; ++r) {
    const T* xr = x + size_t(r) * n;
    T* yr = y + size_t(r) * n;
    T s = 0;
    for (int j = 0; j < n; ++j) s += xr[j];
    const T m = s / T(n);
    T v = 0;
    for (int j = 0; j < n; ++j) v += (xr[j] - m) * (xr[j] - m);
    const T k = T(1) / std::sqrt(v / T(n) + eps);
    mean[r] = m, rstd[r] = k;
    for (int j = 0; j < n; ++j) yr[j] = (xr[j] - m) * k * (w ? w[j] : T(1)) + (b ? b[j] : T(0));
  }
}

// The backward of rows [r0, r1): with x̂ = (x - mean) rstd and gw = g w,
//   dx = rstd (gw - mean(gw) - x̂ mean(gw x̂)),  dw += Σ_rows g x̂,  db += Σ_rows g  (dw, db may be null).
template <class T>
void layerNormBackwardRows(int n, const T* x, const T* w, const T* mean, const T* rstd, const T* g, T* dx, T* dw,
                           T* db, int r0, int r1) {
  for (int r = r0; r < r1; ++r) {
    const T *xr = x + size_t(r) * n, *gr = g + size_t(r) * n;
    T* dxr = dx + size_t(r) * n;
    const T m = mean[r], k = rstd[r];
    T a = 0, c = 0;
    for (int j = 0; j < n; ++j) {
      const T gw = gr[j] * (w ? w[j] : T(1)), xh = (xr[j] - m) * k;
      a += gw, c += gw * xh;
      if (dw) dw[j] += gr[j] * xh;
      if (db) db[j] += gr[j];
    }
    a /= T(n), c /= T(n);
    for (int j = 0; j < n; ++j) dxr[j] = k * (gr[j] * (w ? w[j] : T(1)) - a - (xr[j] - m) * k * c);
  }
}

}  // namespace nabla::attn::NABLA_ISA
