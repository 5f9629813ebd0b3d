// Vector row reductions, with the scalar reference's semantics (scalar-reduce.cc):
//   sum    float32: widened to double in 4 accumulators, rounded once; float64: Knuth's TwoSum
//          per lane (s + c is each lane's exact sum), lanes combined with Neumaier's; int32 wraps;
//   max/min/argmax/argmin: one pass for the extremum and a NaN flag, then (only for arg, a zero
//          extremum or a NaN) a second for the first index holding it.
#pragma once
#include "elementwise/simd/common.h"

namespace nabla::ew::NABLA_ISA {

void sumRowF32(const void* x, ptrdiff_t n, void* out) {
  const float* p = static_cast<const float*>(x);
  VD a0 = splat(0.0), a1 = a0, a2 = a0, a3 = a0;
  ptrdiff_t i = 0;
  for (; i + 2 * kF <= n; i += 2 * kF) {
    a0 = a0 + widen(p + i), a1 = a1 + widen(p + i + kD);
    a2 = a2 + widen(p + i + 2 * kD), a3 = a3 + widen(p + i + 3 * kD);
  }
  for (; i < n; i += kF) {
    const VF v = n - i >= kF ? load(p + i) : load_n(p + i, n - i);
    a0 = a0 + lo(v), a1 = a1 + hi(v);
  }
  *static_cast<float*>(out) = float(hsum((a0 + a2) + (a1 + a3)));
}

// s + c += v exactly (TwoSum: e is the rounding error of s + v, whatever their magnitudes).
static inline void twoSum(VD& s, VD& c, VD v) {
  const VD t = s + v, bp = t - s;
  c = c + ((s - (t - bp)) + (v - bp));
  s = t;
}

// Neumaier-combines lane sums s (with compensations c) of `lanes` lanes; s alone if not finite.
static inline double combine(const double* s, const double* c, int lanes) {
  double t = 0, comp = 0;
  for (int i = 0; i < lanes; i++) {
    const double u = t + s[i];
    comp += (__builtin_fabs(t) >= __builtin_fabs(s[i]) ? (t - u) + s[i] : (s[i] - u) + t) + c[i];
    t = u;
  }
  return __builtin_isfinite(t) ? t + comp : t;
}

void sumRowF64(const void* x, ptrdiff_t n, void* out) {
  const double* p = static_cast<const double*>(x);
  VD s0 = splat(0.0), c0 = s0, s1 = s0, c1 = s0;
  ptrdiff_t i = 0;
  for (; i + 2 * kD <= n; i += 2 * kD) twoSum(s0, c0, load(p + i)), twoSum(s1, c1, load(p + i + kD));
  for (; i < n; i += kD) twoSum(s0, c0, n - i >= kD ? load(p + i) : load_n(p + i, n - i));
  alignas(64) double s[2 * kD], c[2 * kD];
  store(s, s0), store(s + kD, s1), store(c, c0), store(c + kD, c1);
  *static_cast<double*>(out) = combine(s, c, 2 * kD);
}

void sumRowI32(const void* x, ptrdiff_t n, void* out) {
  const int32_t* p = static_cast<const int32_t*>(x);
  VI a = splat(int32_t(0)), b = a;
  ptrdiff_t i = 0;
  for (; i + 2 * kF <= n; i += 2 * kF) a = a + load(p + i), b = b + load(p + i + kF);
  for (; i < n; i += kF) a = a + (n - i >= kF ? load(p + i) : load_n(p + i, n - i));
  *static_cast<int32_t*>(out) = hsum(a + b);
}

// The first i with p[i] == v (v is in the row).
template <class T>
ptrdiff_t firstIndex(const T* p, ptrdiff_t n, T v) {
  constexpr int N = Vec<T>::N;
  const auto vv = splat(v);
  ptrdiff_t i = 0;
  for (; i + N <= n; i += N) {
    const unsigned b = bits(eq(load(p + i), vv));
    if (b != 0) return i + __builtin_ctz(b);
  }
  while (i < n && p[i] != v) i++;
  return i;
}

// max/min (Arg: argmax/argmin) of a row, n >= 1.
template <class T, bool Max, bool Arg>
void extremumRow(const void* x, ptrdiff_t n, void* out) {
  using V = typename Vec<T>::V;
  using M = typename Vec<T>::M;
  constexpr int N = Vec<T>::N;
  const T* p = static_cast<const T*>(x);
  V m = splat(p[0]);
  M nan = none<M>();
  ptrdiff_t i = 0;
  for (; i + N <= n; i += N) {
    const V v = load(p + i);
    nan = nan | isnan(v);
    m = Max ? max(m, v) : min(m, v);
  }
  if (i < n) {  // the missing lanes repeat p[0]
    const V v = select(firstLanes(M{}, n - i), load_n(p + i, n - i), splat(p[0]));
    nan = nan | isnan(v);
    m = Max ? max(m, v) : min(m, v);
  }
  ptrdiff_t k = 0;
  if (bits(nan) != 0) {
    while (p[k] == p[k]) k++;  // the first NaN
  } else {
    const T best = Max ? hmax(m) : hmin(m);
    if (!Arg && best != 0) {
      *static_cast<T*>(out) = best;
      return;
    }
    // NOTE: the first element equal to the extremum: this also gives a zero extremum the sign
    // of its first occurrence, as the scalar loop does.
    k = firstIndex(p, n, best);
  }
  if (Arg) *static_cast<int32_t*>(out) = int32_t(k);
  else *static_cast<T*>(out) = p[k];
}

}  // namespace nabla::ew::NABLA_ISA
