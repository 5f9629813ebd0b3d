// The vector math of the elementwise and recurrent kernels, written once over the vector layer of
// an instruction set (avx512/vec.h, avx2/vec.h: the including file includes it and defines
// NABLA_ISA). Two families, different on purpose:
//
// - Float results through double (the elementwise float32 kernels: expF, sigmoidF, tanhF, logF,
//   sinCosF): each float widened to double, polynomials accurate to about 1e-12 (relative) over
//   the range float32 inputs need, rounded once: within 1 ulp of the correctly rounded float,
//   nearly always equal to it. Quotients by recipForFloat, a reciprocal good to ~2^-46.
// - Gates in the vector's own precision (the recurrent kernels: fastSigmoid, fastTanh on VF or
//   VD): fewer instructions per value, within a few ulp. Quotients by recip, a reciprocal
//   estimate refined by Newton's method for floats (the divider is slow and has one port).
#pragma once
#include <math.h>  // the scalar sin/cos for the rare lanes |x| >= 2^24

#include <cstdint>

namespace nabla::simd::NABLA_ISA {

// ---- Float results through double (x86 semantics: min/max, ldexp, recipForFloat of vec.h) ----

// round(x * scale) for |x * scale| < 2^51: adding 1.5 * 2^52 rounds to an integer, which then
// also sits in the low bits of t.
static inline VD roundScaled(VD x, double scale, VD& t) {
  t = fma(x, splat(scale), splat(0x1.8p52));
  return t - splat(0x1.8p52);
}

// e^x = 2^n e^r for x in [-110, 100] (or NaN), n = round(x / ln2), r = x - n ln2 with ln2 in one
// double (|n| <= 160: r is off by at most 4e-15); e^r by a degree-8 Chebyshev fit on
// [-ln2/2, ln2/2] (relative error 1.1e-12).
static inline VD expNarrow(VD x) {
  VD t;
  const VD n = roundScaled(x, 1.4426950408889634, t);
  const VD r = fnma(n, splat(0.6931471805599453), x);
  VD p = splat(2.4876164022625967e-05);
  p = fma(p, r, splat(0.00019915866926782682));
  p = fma(p, r, splat(0.0013888821677630362));
  p = fma(p, r, splat(0.008333266097949614));
  p = fma(p, r, splat(0.041666666890957));
  p = fma(p, r, splat(0.16666666891045775));
  p = fma(p, r, splat(0.49999999999797934));
  p = fma(p, r, splat(0.9999999999797852));
  p = fma(p, r, splat(1.0));
  return ldexp(p, n);
}

// e^x - 1 for x in [-40, 0] without cancellation near 0: 2^n (1 + q) - 1 = 2^n q + (2^n - 1),
// with q = e^r - 1 = r Q(r), Q a degree-7 Chebyshev fit of (e^r - 1)/r (relative error 5e-12).
static inline VD expm1Narrow(VD x) {
  VD t;
  const VD n = roundScaled(x, 1.4426950408889634, t);
  const VD r = fnma(n, splat(0.6931471805599453), x);
  VD q = splat(2.4867870179687727e-05);
  q = fma(q, r, splat(0.00019907569310848288));
  q = fma(q, r, splat(0.0013888839110572009));
  q = fma(q, r, splat(0.008333283538708528));
  q = fma(q, r, splat(0.04166666678626573));
  q = fma(q, r, splat(0.16666666786308587));
  q = fma(q, r, splat(0.4999999999995511));
  q = fma(q, r, splat(0.999999999995509));
  const VD s = ldexp(splat(1.0), n);
  return fma(s, q * r, s - splat(1.0));
}

// NOTE: x86 min/max return their second operand when either is NaN, so min(bound, x) clamps x
// and lets NaN through: the functions below need no NaN fix-ups.

// e^x for x widened from a float; beyond the float range the double rounds to 0 or Infinity.
static inline VD expF(VD x) { return expNarrow(max(splat(-110.0), min(splat(100.0), x))); }

// 1 / (1 + e^-x). With a reciprocal for any magnitude, e^-x for x clamped to [-110, 110] (in
// double, 1 + e^110 is no overflow; below -103.97 the float result is 0 anyway); otherwise
// e^x / (1 + e^x) for x < 0, so that e = e^-|x| <= 1.
static inline VD sigmoidF(VD x) {
  const VD one = splat(1.0);
  if (kWideRecip) return recipForFloat(one + expNarrow(max(splat(-110.0), min(splat(110.0), neg(x)))));
  const VD e = expNarrow(max(splat(-110.0), neg(abs(x))));
  return select(lt(x, splat(0.0)), e, one) * recipForFloat(one + e);
}

// tanh|x| = -m / (2 + m) with m = e^(-2|x|) - 1; odd in x. |x| > 20 gives 1 in float.
static inline VD tanhF(VD x) {
  const VD m = expm1Narrow(min(splat(20.0), abs(x)) * splat(-2.0));
  const VD t = abs(m) * recipForFloat(m + splat(2.0));
  return asDouble(asBits(t) | (asBits(x) & splatq(INT64_MIN)));  // the sign of x
}

static inline VD nan() { return splat(__builtin_nan("")); }

// log x = k ln2 + log m with x = 2^k m, m in [sqrt(1/2), sqrt 2); log m = 2 atanh(s) with
// s = (m - 1) / (m + 1), |s| <= 0.172: 2s (1 + s^2/3 + s^4/5 + ... + s^14/15), error < 4e-14.
// x widened from a float, so positive x is a normal double.
static inline VD logF(VD x) {
  const VQ b = asBits(x);
  VD m = asDouble((b & splatq(0x000fffffffffffff)) | splatq(0x3ff0000000000000));  // [1, 2)
  VD k = asDouble(shr(b, 52) | splatq(0x4330000000000000)) - splat(0x1p52 + 1023);  // exponent
  const MD big = gt(m, splat(1.4142135623730951));
  m = select(big, m * splat(0.5), m);
  k = select(big, k + splat(1.0), k);
  const VD f = m - splat(1.0);
  const VD s = f * recipForFloat(f + splat(2.0));
  const VD z = s * s;
  VD p = splat(1.0 / 15);
  p = fma(p, z, splat(1.0 / 13));
  p = fma(p, z, splat(1.0 / 11));
  p = fma(p, z, splat(1.0 / 9));
  p = fma(p, z, splat(1.0 / 7));
  p = fma(p, z, splat(1.0 / 5));
  p = fma(p, z, splat(1.0 / 3));
  const VD s2 = s + s;
  VD y = fma(k, splat(0.6931471805599453), fma(s2, z * p, s2));
  y = select(eq(x, splat(0.0)), splat(-__builtin_inf()), y);
  y = select(eq(x, splat(__builtin_inf())), x, y);
  return select(lt(x, splat(0.0)) | isnan(x), nan(), y);
}

// sin r = r + r^3 S(r^2) and cos r = 1 + r^2 C(r^2) for |r| <= pi/4 (Taylor to r^13 and r^12,
// error < 4e-13).
static inline VD sinPoly(VD r, VD z) {
  VD p = splat(1.0 / 6227020800);
  p = fma(p, z, splat(-1.0 / 39916800));
  p = fma(p, z, splat(1.0 / 362880));
  p = fma(p, z, splat(-1.0 / 5040));
  p = fma(p, z, splat(1.0 / 120));
  p = fma(p, z, splat(-1.0 / 6));
  return fma(r * z, p, r);
}
static inline VD cosPoly(VD z) {
  VD p = splat(1.0 / 479001600);
  p = fma(p, z, splat(-1.0 / 3628800));
  p = fma(p, z, splat(1.0 / 40320));
  p = fma(p, z, splat(-1.0 / 720));
  p = fma(p, z, splat(1.0 / 24));
  p = fma(p, z, splat(-0.5));
  return fma(z, p, splat(1.0));
}

// sin x (Cos: cos x) for x widened from a float. x = n pi/2 + r with pi/2 in three parts (each
// n * part exact inside its FMA for |x| < 2^24); then by the quadrant n mod 4,
// sin x = sin r, cos r, -sin r, -cos r (cos x: the next quadrant's). Lanes with |x| >= 2^24,
// Infinity or NaN go to the C library.
template <bool Cos>
static inline VD sinCosF(VD x) {
  VD t;
  const VD n = roundScaled(x, 0.6366197723675814, t);
  VD r = fnma(n, splat(1.5707963267948966), x);
  r = fnma(n, splat(6.123233995736766e-17), r);
  r = fnma(n, splat(-1.4973849048591698e-33), r);
  VQ q = asBits(t);  // n's low bits
  if (Cos) q = q + splatq(1);
  const VD z = r * r;
  VD y = select(nonzero(q & splatq(1)), cosPoly(z), sinPoly(r, z));
  y = asDouble(asBits(y) ^ shl(q & splatq(2), 62));
  if (!Cos) y = select(eq(x, splat(0.0)), x, y);  // sin(-0) = -0
  const MD far = ~lt(abs(x), splat(16777216.0));
  if (bits(far) == 0) return y;
  alignas(64) double xs[kD], ys[kD];
  store(xs, x);
  store(ys, y);
  for (int i = 0; i < kD; i++)
    if (bits(far) >> i & 1) ys[i] = Cos ? ::cos(xs[i]) : ::sin(xs[i]);
  return load(ys);
}

// ---- Gates in the vector's own precision ----
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
static inline VF reduceLn2(VF x, VF& n) {
  n = round(x * splat(1.44269504088896341f));
  return fnma(n, splat(-2.12194440e-4f), fnma(n, splat(0.693359375f), x));
}

static inline VD reduceLn2(VD x, VD& n) {
  n = round(x * splat(1.4426950408889634));
  return fnma(n, splat(1.90821492927058770002e-10), fnma(n, splat(6.93147180369123816490e-01), x));
}

// Where e^x stays finite and 2^n normal, and where tanh is +-1 to the last bit.
template <class V> struct GateLimits;
template <> struct GateLimits<VF> {
  using T = float;
  static constexpr float kExpLo = -87.3f, kExpHi = 88.3f, kTanh = 9.5f;
};
template <> struct GateLimits<VD> {
  using T = double;
  static constexpr double kExpLo = -708.3, kExpHi = 709.0, kTanh = 19.5;
};

template <class V>
static inline V fastSigmoid(V x) {
  using L = GateLimits<V>;
  using T = typename L::T;
  // e^-x, clamped with x second so that NaN passes.
  const V z = min(splat(L::kExpHi), max(splat(L::kExpLo), splat(T(0)) - x));
  V n;
  const V r = reduceLn2(z, n);
  const V one = splat(T(1));
  return recip(one + (expm1Reduced(r) + one) * pow2(n));
}

template <class V>
static inline V fastTanh(V x) {
  using L = GateLimits<V>;
  using T = typename L::T;
  const V a = min(splat(L::kTanh), abs(x));
  V n;
  const V r = reduceLn2(a + a, n);
  const V s = pow2(n);
  const V m = fma(s, expm1Reduced(r), s - splat(T(1)));
  // m / d as q = m / d estimated and corrected once by its residual: q + (m - q d) / d.
  const V d = m + splat(T(2)), rd = recip(d), q = m * rd;
  return withSign(fma(fnma(q, d, m), rd, q), x);
}

}  // namespace nabla::simd::NABLA_ISA
