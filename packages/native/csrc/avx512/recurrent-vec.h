// AVX-512 vectors for the recurrent kernels: the few operations recurrent/simd/ is written in
// (the AVX2 twin is avx2/recurrent-vec.h). VF: 16 floats, VD: 8 doubles, MF/MD their lane masks.
#pragma once
#include <immintrin.h>

// NOTE: GCC 12 warns about the deliberately undefined upper lanes inside its own AVX-512
// intrinsics (_mm512_undefined_ps); the warning is spurious.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

namespace nabla::rec::avx512 {

struct VF { __m512 v; };
struct VD { __m512d v; };
struct MF { __mmask16 m; };
struct MD { __mmask8 m; };

template <class T> struct Vec;
template <> struct Vec<float> { using V = VF; static constexpr int N = 16; };
template <> struct Vec<double> { using V = VD; static constexpr int N = 8; };

// Loads and stores; the _n forms touch only the first n lanes (0 < n < N) and zero the rest.
static inline VF load(const float* p) { return {_mm512_loadu_ps(p)}; }
static inline VD load(const double* p) { return {_mm512_loadu_pd(p)}; }
static inline VF load_n(const float* p, int n) { return {_mm512_maskz_loadu_ps(__mmask16((1u << n) - 1), p)}; }
static inline VD load_n(const double* p, int n) { return {_mm512_maskz_loadu_pd(__mmask8((1u << n) - 1), p)}; }
static inline void store(float* p, VF a) { _mm512_storeu_ps(p, a.v); }
static inline void store(double* p, VD a) { _mm512_storeu_pd(p, a.v); }
static inline void store_n(float* p, VF a, int n) { _mm512_mask_storeu_ps(p, __mmask16((1u << n) - 1), a.v); }
static inline void store_n(double* p, VD a, int n) { _mm512_mask_storeu_pd(p, __mmask8((1u << n) - 1), a.v); }
static inline VF splat(float x) { return {_mm512_set1_ps(x)}; }
static inline VD splat(double x) { return {_mm512_set1_pd(x)}; }

static inline VF operator+(VF a, VF b) { return {_mm512_add_ps(a.v, b.v)}; }
static inline VF operator-(VF a, VF b) { return {_mm512_sub_ps(a.v, b.v)}; }
static inline VF operator*(VF a, VF b) { return {_mm512_mul_ps(a.v, b.v)}; }
static inline VF operator/(VF a, VF b) { return {_mm512_div_ps(a.v, b.v)}; }
static inline VD operator+(VD a, VD b) { return {_mm512_add_pd(a.v, b.v)}; }
static inline VD operator-(VD a, VD b) { return {_mm512_sub_pd(a.v, b.v)}; }
static inline VD operator*(VD a, VD b) { return {_mm512_mul_pd(a.v, b.v)}; }
static inline VD operator/(VD a, VD b) { return {_mm512_div_pd(a.v, b.v)}; }
static inline VF fma(VF a, VF b, VF c) { return {_mm512_fmadd_ps(a.v, b.v, c.v)}; }    // a b + c
static inline VD fma(VD a, VD b, VD c) { return {_mm512_fmadd_pd(a.v, b.v, c.v)}; }
static inline VF fnma(VF a, VF b, VF c) { return {_mm512_fnmadd_ps(a.v, b.v, c.v)}; }  // c - a b
static inline VD fnma(VD a, VD b, VD c) { return {_mm512_fnmadd_pd(a.v, b.v, c.v)}; }
// x86 max/min: a > b ? a : b, so b when either is NaN (the clamps put x second to keep NaN).
static inline VF max(VF a, VF b) { return {_mm512_max_ps(a.v, b.v)}; }
static inline VD max(VD a, VD b) { return {_mm512_max_pd(a.v, b.v)}; }
static inline VF min(VF a, VF b) { return {_mm512_min_ps(a.v, b.v)}; }
static inline VD min(VD a, VD b) { return {_mm512_min_pd(a.v, b.v)}; }
static inline VF round(VF a) { return {_mm512_roundscale_ps(a.v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)}; }
static inline VD round(VD a) { return {_mm512_roundscale_pd(a.v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)}; }
// 1 / a for finite a > 0: the 14-bit estimate and one Newton step r + r (1 - a r) (within 1 ulp
// for floats; doubles divide).
static inline VF recip(VF a) {
  const __m512 r = _mm512_rcp14_ps(a.v);
  return {_mm512_fmadd_ps(r, _mm512_fnmadd_ps(a.v, r, _mm512_set1_ps(1.0f)), r)};
}
static inline VD recip(VD a) { return {_mm512_div_pd(_mm512_set1_pd(1.0), a.v)}; }
// |a|, and the sign bit of s set on a (a >= 0).
static inline VF abs(VF a) { return {_mm512_andnot_ps(_mm512_set1_ps(-0.0f), a.v)}; }
static inline VD abs(VD a) { return {_mm512_andnot_pd(_mm512_set1_pd(-0.0), a.v)}; }
static inline VF withSign(VF a, VF s) { return {_mm512_or_ps(a.v, _mm512_and_ps(s.v, _mm512_set1_ps(-0.0f)))}; }
static inline VD withSign(VD a, VD s) { return {_mm512_or_pd(a.v, _mm512_and_pd(s.v, _mm512_set1_pd(-0.0)))}; }

// The sum of the lanes.
static inline float hsum(VF a) { return _mm512_reduce_add_ps(a.v); }
static inline double hsum(VD a) { return _mm512_reduce_add_pd(a.v); }

// a > b (false with NaN), and select(m, a, b) = m ? a : b lane by lane.
static inline MF gt(VF a, VF b) { return {_mm512_cmp_ps_mask(a.v, b.v, _CMP_GT_OQ)}; }
static inline MD gt(VD a, VD b) { return {_mm512_cmp_pd_mask(a.v, b.v, _CMP_GT_OQ)}; }
static inline VF select(MF m, VF a, VF b) { return {_mm512_mask_blend_ps(m.m, b.v, a.v)}; }
static inline VD select(MD m, VD a, VD b) { return {_mm512_mask_blend_pd(m.m, b.v, a.v)}; }

// 2^n for integral n in the exponent range: n + 1.5 2^23 (2^52) holds n in its low bits, moved
// into the exponent field with the bias (the high bits shift out).
static inline VF pow2(VF n) {
  const __m512i bits = _mm512_castps_si512(_mm512_add_ps(n.v, _mm512_set1_ps(0x1.8p23f)));
  return {_mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(bits, _mm512_set1_epi32(127)), 23))};
}
static inline VD pow2(VD n) {
  const __m512i bits = _mm512_castpd_si512(_mm512_add_pd(n.v, _mm512_set1_pd(0x1.8p52)));
  return {_mm512_castsi512_pd(_mm512_slli_epi64(_mm512_add_epi64(bits, _mm512_set1_epi64(1023)), 52))};
}

}  // namespace nabla::rec::avx512
