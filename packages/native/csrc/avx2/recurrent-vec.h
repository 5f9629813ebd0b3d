// AVX2 + FMA vectors for the recurrent kernels: the same operations as avx512/recurrent-vec.h
// on 256-bit registers. VF: 8 floats, VD: 4 doubles; masks are vectors of all-ones lanes.
#pragma once
#include <immintrin.h>

namespace nabla::rec::avx2 {

struct VF { __m256 v; };
struct VD { __m256d v; };
struct MF { __m256 m; };
struct MD { __m256d m; };

template <class T> struct Vec;
template <> struct Vec<float> { using V = VF; static constexpr int N = 8; };
template <> struct Vec<double> { using V = VD; static constexpr int N = 4; };

// The first n lanes as a maskload/maskstore mask.
static inline __m256i lanesF(int n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
static inline __m256i lanesD(int n) {
  return _mm256_cmpgt_epi64(_mm256_set1_epi64x(n), _mm256_setr_epi64x(0, 1, 2, 3));
}

// Loads and stores; the _n forms touch only the first n lanes (0 < n < N) and zero the rest.
static inline VF load(const float* p) { return {_mm256_loadu_ps(p)}; }
static inline VD load(const double* p) { return {_mm256_loadu_pd(p)}; }
static inline VF load_n(const float* p, int n) { return {_mm256_maskload_ps(p, lanesF(n))}; }
static inline VD load_n(const double* p, int n) { return {_mm256_maskload_pd(p, lanesD(n))}; }
static inline void store(float* p, VF a) { _mm256_storeu_ps(p, a.v); }
static inline void store(double* p, VD a) { _mm256_storeu_pd(p, a.v); }
static inline void store_n(float* p, VF a, int n) { _mm256_maskstore_ps(p, lanesF(n), a.v); }
static inline void store_n(double* p, VD a, int n) { _mm256_maskstore_pd(p, lanesD(n), a.v); }
static inline VF splat(float x) { return {_mm256_set1_ps(x)}; }
static inline VD splat(double x) { return {_mm256_set1_pd(x)}; }

static inline VF operator+(VF a, VF b) { return {_mm256_add_ps(a.v, b.v)}; }
static inline VF operator-(VF a, VF b) { return {_mm256_sub_ps(a.v, b.v)}; }
static inline VF operator*(VF a, VF b) { return {_mm256_mul_ps(a.v, b.v)}; }
static inline VF operator/(VF a, VF b) { return {_mm256_div_ps(a.v, b.v)}; }
static inline VD operator+(VD a, VD b) { return {_mm256_add_pd(a.v, b.v)}; }
static inline VD operator-(VD a, VD b) { return {_mm256_sub_pd(a.v, b.v)}; }
static inline VD operator*(VD a, VD b) { return {_mm256_mul_pd(a.v, b.v)}; }
static inline VD operator/(VD a, VD b) { return {_mm256_div_pd(a.v, b.v)}; }
static inline VF fma(VF a, VF b, VF c) { return {_mm256_fmadd_ps(a.v, b.v, c.v)}; }    // a b + c
static inline VD fma(VD a, VD b, VD c) { return {_mm256_fmadd_pd(a.v, b.v, c.v)}; }
static inline VF fnma(VF a, VF b, VF c) { return {_mm256_fnmadd_ps(a.v, b.v, c.v)}; }  // c - a b
static inline VD fnma(VD a, VD b, VD c) { return {_mm256_fnmadd_pd(a.v, b.v, c.v)}; }
// x86 max/min: a > b ? a : b, so b when either is NaN (the clamps put x second to keep NaN).
static inline VF max(VF a, VF b) { return {_mm256_max_ps(a.v, b.v)}; }
static inline VD max(VD a, VD b) { return {_mm256_max_pd(a.v, b.v)}; }
static inline VF min(VF a, VF b) { return {_mm256_min_ps(a.v, b.v)}; }
static inline VD min(VD a, VD b) { return {_mm256_min_pd(a.v, b.v)}; }
static inline VF round(VF a) { return {_mm256_round_ps(a.v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)}; }
static inline VD round(VD a) { return {_mm256_round_pd(a.v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)}; }
// 1 / a for finite a > 0: the 12-bit estimate and two Newton steps r + r (1 - a r) (floats;
// doubles divide).
static inline VF recip(VF a) {
  const __m256 one = _mm256_set1_ps(1.0f);
  __m256 r = _mm256_rcp_ps(a.v);
  r = _mm256_fmadd_ps(r, _mm256_fnmadd_ps(a.v, r, one), r);
  return {_mm256_fmadd_ps(r, _mm256_fnmadd_ps(a.v, r, one), r)};
}
static inline VD recip(VD a) { return {_mm256_div_pd(_mm256_set1_pd(1.0), a.v)}; }
// |a|, and the sign bit of s set on a (a >= 0).
static inline VF abs(VF a) { return {_mm256_andnot_ps(_mm256_set1_ps(-0.0f), a.v)}; }
static inline VD abs(VD a) { return {_mm256_andnot_pd(_mm256_set1_pd(-0.0), a.v)}; }
static inline VF withSign(VF a, VF s) { return {_mm256_or_ps(a.v, _mm256_and_ps(s.v, _mm256_set1_ps(-0.0f)))}; }
static inline VD withSign(VD a, VD s) { return {_mm256_or_pd(a.v, _mm256_and_pd(s.v, _mm256_set1_pd(-0.0)))}; }

// The sum of the lanes.
static inline float hsum(VF a) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(a.v), _mm256_extractf128_ps(a.v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
}
static inline double hsum(VD a) {
  __m128d s = _mm_add_pd(_mm256_castpd256_pd128(a.v), _mm256_extractf128_pd(a.v, 1));
  return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}

// a > b (false with NaN), and select(m, a, b) = m ? a : b lane by lane.
static inline MF gt(VF a, VF b) { return {_mm256_cmp_ps(a.v, b.v, _CMP_GT_OQ)}; }
static inline MD gt(VD a, VD b) { return {_mm256_cmp_pd(a.v, b.v, _CMP_GT_OQ)}; }
static inline VF select(MF m, VF a, VF b) { return {_mm256_blendv_ps(b.v, a.v, m.m)}; }
static inline VD select(MD m, VD a, VD b) { return {_mm256_blendv_pd(b.v, a.v, m.m)}; }

// 2^n for integral n in the exponent range: n + 1.5 2^23 (2^52) holds n in its low bits, moved
// into the exponent field with the bias (the high bits shift out).
static inline VF pow2(VF n) {
  const __m256i bits = _mm256_castps_si256(_mm256_add_ps(n.v, _mm256_set1_ps(0x1.8p23f)));
  return {_mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(bits, _mm256_set1_epi32(127)), 23))};
}
static inline VD pow2(VD n) {
  const __m256i bits = _mm256_castpd_si256(_mm256_add_pd(n.v, _mm256_set1_pd(0x1.8p52)));
  return {_mm256_castsi256_pd(_mm256_slli_epi64(_mm256_add_epi64(bits, _mm256_set1_epi64x(1023)), 52))};
}

}  // namespace nabla::rec::avx2
