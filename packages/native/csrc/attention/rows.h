// The row math of the attention kernels on GCC vectors of NABLA_VEC_BYTES bytes (64 for AVX-512,
// 32 for AVX2, 16 for the portable build): the including file defines both macros and compiles
// this for its instruction set. Written once; no intrinsics.
//
//   e^x = 2^n e^r, n = round(x / ln2), r = x - n ln2 (ln2 in two parts, r exact);
//   float: e^r = 1 + r + r^2 P(r), Cephes' degree-5 P (within 2 ulp);
//   double: the Taylor series to r^13 (truncation 4e-18 relative, |r| <= ln2/2).
// n is rounded by adding 1.5 2^23 (2^52), which also leaves n in the low bits for 2^n. x below
// the normal range gives 0 (e^-87 is 1e-38: nothing beside the row's largest term, which is 1),
// -inf gives 0, NaN stays NaN.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>

namespace nabla::attn::NABLA_ISA {

template <class T>
struct Vec;
template <>
struct Vec<float> {
  typedef float V __attribute__((vector_size(NABLA_VEC_BYTES)));
  typedef int32_t I __attribute__((vector_size(NABLA_VEC_BYTES)));
};
template <>
struct Vec<double> {
  typedef double V __attribute__((vector_size(NABLA_VEC_BYTES)));
  typedef int64_t I __attribute__((vector_size(NABLA_VEC_BYTES)));
};
template <class T>
constexpr int kN = NABLA_VEC_BYTES / sizeof(T);

template <class T>
static inline typename Vec<T>::V load(const T* p) {
  typename Vec<T>::V v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <class T>
static inline void store(T* p, typename Vec<T>::V v) {
  std::memcpy(p, &v, sizeof v);
}
template <class T>
static inline typename Vec<T>::V splat(T x) {
  return typename Vec<T>::V{} + x;
}

static inline Vec<float>::V expv(Vec<float>::V x) {
  using V = Vec<float>::V;
  using I = Vec<float>::I;
  const V lo = splat(-87.33654f), magic = splat(0x1.8p23f);
  const I under = x < lo;
  x = x < lo ? lo : x;
  const V t = x * 1.44269504088896341f + magic;
  const V n = t - magic;
  const V r = (x - n * 0.693359375f) - n * -2.12194440e-4f;
  V p = splat(1.9875691500e-4f);
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * (r * r) + r + 1.0f;
  I bits;
  std::memcpy(&bits, &t, sizeof bits);
  bits = (bits + 127) << 23;
  V scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return under ? splat(0.0f) : p * scale;
}

static inline Vec<double>::V expv(Vec<double>::V x) {
  using V = Vec<double>::V;
  using I = Vec<double>::I;
  const V lo = splat(-708.39), magic = splat(0x1.8p52);
  const I under = x < lo;
  x = x < lo ? lo : x;
  const V t = x * 1.4426950408889634 + magic;
  const V n = t - magic;
  const V r = (x - n * 6.93147180369123816490e-01) - n * 1.90821492927058770002e-10;
  V p = splat(1.0 / 6227020800.0);  // 1/13!
  const double inv[] = {1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0, 1.0 / 40320.0,
                        1.0 / 5040.0,      1.0 / 720.0,       1.0 / 120.0,      1.0 / 24.0,     1.0 / 6.0,
                        0.5,               1.0,               1.0};
  for (double c : inv) p = p * r + c;
  I bits;
  std::memcpy(&bits, &t, sizeof bits);
  bits = (bits + 1023) << 52;
  V scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return under ? splat(0.0) : p * scale;
}

// Applies f to the vectors of x[0, n) (the tail through a padded copy).
template <class T, class F>
static inline void eachVector(T* x, int n, F f) {
  constexpr int N = kN<T>;
  int c = 0;
  for (; c + N <= n; c += N) store(x + c, f(load(x + c)));
  if (c < n) {
    T tail[N] = {};
    std::memcpy(tail, x + c, sizeof(T) * (n - c));
    store(tail, f(load(tail)));
    std::memcpy(x + c, tail, sizeof(T) * (n - c));
  }
}

// s[c] = scale s[c] + mask[c ms] (mask may be null), then -inf from c = limit on (causal);
// returns the largest s[c] (-inf when every one is).
template <class T>
static inline T prepareRow(T* s, int n, T scale, const T* mask, ptrdiff_t ms, int limit) {
  const T ninf = -std::numeric_limits<T>::infinity();
  if (mask == nullptr) eachVector(s, limit, [&](auto v) { return v * scale; });
  else if (ms == 1)
    for (int c = 0; c < limit; ++c) s[c] = scale * s[c] + mask[c];
  else
    for (int c = 0; c < limit; ++c) s[c] = scale * s[c] + mask[c * ms];
  for (int c = limit; c < n; ++c) s[c] = ninf;
  typename Vec<T>::V best = splat(ninf);
  constexpr int N = kN<T>;
  int c = 0;
  for (; c + N <= limit; c += N) {
    const auto v = load(s + c);
    best = v > best ? v : best;
  }
  T m = ninf;
  for (int l = 0; l < N; ++l) m = best[l] > m ? best[l] : m;
  for (; c < limit; ++c) m = s[c] > m ? s[c] : m;
  return m;
}

// s[c] = e^{s[c] - shift} for c < n; returns their sum.
template <class T>
static inline T expRow(T* s, int n, T shift) {
  typename Vec<T>::V sum = splat(T(0));
  eachVector(s, n, [&](auto v) {
    const auto e = expv(v - shift);
    return e;
  });
  constexpr int N = kN<T>;
  int c = 0;
  for (; c + N <= n; c += N) sum += load(s + c);
  T total = 0;
  for (int l = 0; l < N; ++l) total += sum[l];
  for (; c < n; ++c) total += s[c];
  return total;
}

// x[c] *= f for c < n.
template <class T>
static inline void scaleRow(T* x, int n, T f) {
  eachVector(x, n, [&](auto v) { return v * f; });
}

// p[c] = scale p[c] (dp[c] - delta): dS from P and dP, in place of P.
template <class T>
static inline void softmaxGradRow(T* p, const T* dp, int n, T delta, T scale) {
  constexpr int N = kN<T>;
  int c = 0;
  for (; c + N <= n; c += N) store(p + c, load(p + c) * (load(dp + c) - delta) * scale);
  for (; c < n; ++c) p[c] = p[c] * (dp[c] - delta) * scale;
}

}  // namespace nabla::attn::NABLA_ISA
