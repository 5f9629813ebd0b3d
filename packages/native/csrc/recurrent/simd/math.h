// Vector sigmoid and tanh for the gate loops, written once over the vector layer of an
// instruction set (avx512/vec.h, avx2/vec.h): each csrc/<isa>/recurrent.cc includes its layer,
// defines NABLA_ISA as its namespace and includes these headers.
//
//   e^x = 2^n e^r, x = n ln2 + r, |r| <= ln2/2 (ln2 in two parts, so r is exact);
//   e^r - 1 = r + r^2 P(r): float, Cephes' degree-5 P (within 1 ulp); double, the Taylor
//   series to r^13 (truncation 4e-18 relative);
//   sigmoid(x) = 1 / (1 + e^-x);
//   tanh(x) = sign(x) m / (m + 2), m = e^{2|x|} - 1 = 2^n (e^r - 1) + (2^n - 1): no
//   cancellation near 0, where m = e^r - 1 itself.
// The divisions are a reciprocal estimate refined by Newton's method (recip in the vector layer:
// the divider is slow and has one port), tanh's quotient corrected once more by its residual.
// Both are within a few ulp of the correctly rounded value, NaN in gives NaN out, and the
// clamps keep 2^n a normal number (the results there are 0, 1 or -1 to the last bit).
#pragma once

namespace nabla::rec::NABLA_ISA {

using namespace nabla::simd::NABLA_ISA;  // the vector layer (<isa>/vec.h)

// e^r - 1 for |r| <= ln2/2.
static inline VF expm1Reduced(VF r) {
  VF p = splat(1.9875691500e-4f);
  p = fma(p, r, splat(1.3981999507e-3f));
  p = fma(p, r, splat(8.3334519073e-3f));
  p = fma(p, r, splat(4.1665795894e-2f));
  p = fma(p, r, splat(1.6666665459e-1f));
  p = fma(p, r, splat(5.0000001201e-1f));
  return fma(p, r * r, r);
}

static inline VD expm1Reduced(VD r) {
  VD p = splat(1.0 / 6227020800.0);  // 1/13!
  p = fma(p, r, splat(1.0 / 479001600.0));
  p = fma(p, r, splat(1.0 / 39916800.0));
  p = fma(p, r, splat(1.0 / 3628800.0));
  p = fma(p, r, splat(1.0 / 362880.0));
  p = fma(p, r, splat(1.0 / 40320.0));
  p = fma(p, r, splat(1.0 / 5040.0));
  p = fma(p, r, splat(1.0 / 720.0));
  p = fma(p, r, splat(1.0 / 120.0));
  p = fma(p, r, splat(1.0 / 24.0));
  p = fma(p, r, splat(1.0 / 6.0));
  p = fma(p, r, splat(0.5));
  return fma(p, r * r, r);
}

// x = n ln2 + r: returns r, sets n.
static inline VF reduce(VF x, VF& n) {
  n = round(x * splat(1.44269504088896341f));
  return fnma(n, splat(-2.12194440e-4f), fnma(n, splat(0.693359375f), x));
}

static inline VD reduce(VD x, VD& n) {
  n = round(x * splat(1.4426950408889634));
  return fnma(n, splat(1.90821492927058770002e-10), fnma(n, splat(6.93147180369123816490e-01), x));
}

// Where e^x stays finite and 2^n normal, and where tanh is +-1 to the last bit.
template <class V> struct Limits;
template <> struct Limits<VF> {
  using T = float;
  static constexpr float kExpLo = -87.3f, kExpHi = 88.3f, kTanh = 9.5f;
};
template <> struct Limits<VD> {
  using T = double;
  static constexpr double kExpLo = -708.3, kExpHi = 709.0, kTanh = 19.5;
};

template <class V>
static inline V sigmoid(V x) {
  using L = Limits<V>;
  using T = typename L::T;
  // e^-x, clamped with x second so that NaN passes.
  const V z = min(splat(L::kExpHi), max(splat(L::kExpLo), splat(T(0)) - x));
  V n;
  const V r = reduce(z, n);
  const V one = splat(T(1));
  return recip(one + (expm1Reduced(r) + one) * pow2(n));
}

template <class V>
static inline V tanh(V x) {
  using L = Limits<V>;
  using T = typename L::T;
  const V a = min(splat(L::kTanh), abs(x));
  V n;
  const V r = reduce(a + a, n);
  const V s = pow2(n);
  const V m = fma(s, expm1Reduced(r), s - splat(T(1)));
  // m / d as q = m / d estimated and corrected once by its residual: q + (m - q d) / d.
  const V d = m + splat(T(2)), rd = recip(d), q = m * rd;
  return withSign(fma(fnma(q, d, m), rd, q), x);
}

}  // namespace nabla::rec::NABLA_ISA
