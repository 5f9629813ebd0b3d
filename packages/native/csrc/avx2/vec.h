// AVX2 + FMA vectors for the elementwise and recurrent kernels: the same operations as the
// AVX-512 twin (csrc/avx512/vec.h) on 256-bit registers. VF: 8 floats, VD: 4 doubles, VI: 8 int32,
// VQ: 4 int64; masks are vectors of all-ones lanes (MF for float and int32 lanes, MD for doubles).
#pragma once
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

namespace nabla::simd::avx2 {

struct VF { __m256 v; };
struct VD { __m256d v; };
struct VI { __m256i v; };
struct VQ { __m256i v; };
struct MF { __m256 m; };
struct MD { __m256d m; };

constexpr int kF = 8;
constexpr int kD = 4;

// The vector, its mask and its lane count for each element type.
template <class T> struct Vec;
template <> struct Vec<float> { using V = VF; using M = MF; static constexpr int N = kF; };
template <> struct Vec<double> { using V = VD; using M = MD; static constexpr int N = kD; };
template <> struct Vec<int32_t> { using V = VI; using M = MF; static constexpr int N = kF; };

// Lanes below n set: the masks of the partial loads and stores.
static inline __m256i lanes32(ptrdiff_t n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(int(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
static inline __m256i lanes64(ptrdiff_t n) {
  return _mm256_cmpgt_epi64(_mm256_set1_epi64x(n), _mm256_setr_epi64x(0, 1, 2, 3));
}

// Loads and stores; the _n forms touch only the first n lanes (n < the lane count), zero the rest.
static inline VF load(const float* p) { return {_mm256_loadu_ps(p)}; }
static inline VD load(const double* p) { return {_mm256_loadu_pd(p)}; }
static inline VI load(const int32_t* p) { return {_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p))}; }
static inline VF load_n(const float* p, ptrdiff_t n) { return {_mm256_maskload_ps(p, lanes32(n))}; }
static inline VD load_n(const double* p, ptrdiff_t n) { return {_mm256_maskload_pd(p, lanes64(n))}; }
static inline VI load_n(const int32_t* p, ptrdiff_t n) { return {_mm256_maskload_epi32(p, lanes32(n))}; }
static inline void store(float* p, VF a) { _mm256_storeu_ps(p, a.v); }
static inline void store(double* p, VD a) { _mm256_storeu_pd(p, a.v); }
static inline void store(int32_t* p, VI a) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), a.v); }
static inline void store_n(float* p, VF a, ptrdiff_t n) { _mm256_maskstore_ps(p, lanes32(n), a.v); }
static inline void store_n(double* p, VD a, ptrdiff_t n) { _mm256_maskstore_pd(p, lanes64(n), a.v); }
static inline void store_n(int32_t* p, VI a, ptrdiff_t n) { _mm256_maskstore_epi32(p, lanes32(n), a.v); }
static inline VF splat(float x) { return {_mm256_set1_ps(x)}; }
static inline VD splat(double x) { return {_mm256_set1_pd(x)}; }
static inline VI splat(int32_t x) { return {_mm256_set1_epi32(x)}; }
static inline VQ splatq(int64_t x) { return {_mm256_set1_epi64x(x)}; }

// Arithmetic (int32 wraps).
static inline VF operator+(VF a, VF b) { return {_mm256_add_ps(a.v, b.v)}; }
static inline VF operator-(VF a, VF b) { return {_mm256_sub_ps(a.v, b.v)}; }
static inline VF operator*(VF a, VF b) { return {_mm256_mul_ps(a.v, b.v)}; }
static inline VF operator/(VF a, VF b) { return {_mm256_div_ps(a.v, b.v)}; }
static inline VD operator+(VD a, VD b) { return {_mm256_add_pd(a.v, b.v)}; }
static inline VD operator-(VD a, VD b) { return {_mm256_sub_pd(a.v, b.v)}; }
static inline VD operator*(VD a, VD b) { return {_mm256_mul_pd(a.v, b.v)}; }
static inline VD operator/(VD a, VD b) { return {_mm256_div_pd(a.v, b.v)}; }
static inline VI operator+(VI a, VI b) { return {_mm256_add_epi32(a.v, b.v)}; }
static inline VI operator-(VI a, VI b) { return {_mm256_sub_epi32(a.v, b.v)}; }
static inline VI operator*(VI a, VI b) { return {_mm256_mullo_epi32(a.v, b.v)}; }
static inline VF fma(VF a, VF b, VF c) { return {_mm256_fmadd_ps(a.v, b.v, c.v)}; }   // a*b + c
static inline VD fma(VD a, VD b, VD c) { return {_mm256_fmadd_pd(a.v, b.v, c.v)}; }
static inline VF fnma(VF a, VF b, VF c) { return {_mm256_fnmadd_ps(a.v, b.v, c.v)}; } // c - a*b
static inline VD fnma(VD a, VD b, VD c) { return {_mm256_fnmadd_pd(a.v, b.v, c.v)}; }
static inline VF sqrt(VF a) { return {_mm256_sqrt_ps(a.v)}; }
static inline VD sqrt(VD a) { return {_mm256_sqrt_pd(a.v)}; }
static inline VF neg(VF a) { return {_mm256_xor_ps(a.v, _mm256_set1_ps(-0.0f))}; }
static inline VD neg(VD a) { return {_mm256_xor_pd(a.v, _mm256_set1_pd(-0.0))}; }
static inline VI neg(VI a) { return {_mm256_sub_epi32(_mm256_setzero_si256(), a.v)}; }
static inline VF abs(VF a) { return {_mm256_andnot_ps(_mm256_set1_ps(-0.0f), a.v)}; }
static inline VD abs(VD a) { return {_mm256_andnot_pd(_mm256_set1_pd(-0.0), a.v)}; }
static inline VI abs(VI a) { return {_mm256_abs_epi32(a.v)}; }
// x86 max/min: a > b ? a : b (the second operand when either is NaN or both are zero).
static inline VF max(VF a, VF b) { return {_mm256_max_ps(a.v, b.v)}; }
static inline VD max(VD a, VD b) { return {_mm256_max_pd(a.v, b.v)}; }
static inline VI max(VI a, VI b) { return {_mm256_max_epi32(a.v, b.v)}; }
static inline VF min(VF a, VF b) { return {_mm256_min_ps(a.v, b.v)}; }
static inline VD min(VD a, VD b) { return {_mm256_min_pd(a.v, b.v)}; }
static inline VI min(VI a, VI b) { return {_mm256_min_epi32(a.v, b.v)}; }
static inline VF round(VF a) { return {_mm256_round_ps(a.v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)}; }
static inline VD round(VD a) { return {_mm256_round_pd(a.v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)}; }
// p * 2^n for integral n in [-1022, 1023]: n + 1.5 * 2^52 holds n in its low bits, shifted with
// the bias into an exponent field.
static inline VD ldexp(VD p, VD n) {
  const __m256i bits = _mm256_castpd_si256(_mm256_add_pd(n.v, _mm256_set1_pd(0x1.8p52)));
  const __m256i e = _mm256_slli_epi64(_mm256_add_epi64(bits, _mm256_set1_epi64x(1023)), 52);
  return {_mm256_mul_pd(p.v, _mm256_castsi256_pd(e))};
}
// 1/d to ~2^-46 for d within float range (not kWideRecip), enough for a result rounded to float:
// a 12-bit float estimate and three Newton steps y += y (1 - d y) (a divide costs 8 cycles per 4
// doubles). The elementwise math's reciprocal.
constexpr bool kWideRecip = false;
static inline VD recipForFloat(VD d) {
  const __m256d one = _mm256_set1_pd(1.0);
  __m256d y = _mm256_cvtps_pd(_mm_rcp_ps(_mm256_cvtpd_ps(d.v)));
  y = _mm256_fmadd_pd(y, _mm256_fnmadd_pd(d.v, y, one), y);
  y = _mm256_fmadd_pd(y, _mm256_fnmadd_pd(d.v, y, one), y);
  return {_mm256_fmadd_pd(y, _mm256_fnmadd_pd(d.v, y, one), y)};
}
// 1 / a for finite a > 0, the recurrent gates' reciprocal: floats, the 12-bit estimate and two
// Newton steps r + r (1 - a r); doubles divide (correctly rounded).
static inline VF recip(VF a) {
  const __m256 one = _mm256_set1_ps(1.0f);
  __m256 r = _mm256_rcp_ps(a.v);
  r = _mm256_fmadd_ps(r, _mm256_fnmadd_ps(a.v, r, one), r);
  return {_mm256_fmadd_ps(r, _mm256_fnmadd_ps(a.v, r, one), r)};
}
static inline VD recip(VD a) { return {_mm256_div_pd(_mm256_set1_pd(1.0), a.v)}; }
// The sign bit of s set on a (a >= 0).
static inline VF withSign(VF a, VF s) { return {_mm256_or_ps(a.v, _mm256_and_ps(s.v, _mm256_set1_ps(-0.0f)))}; }
static inline VD withSign(VD a, VD s) { return {_mm256_or_pd(a.v, _mm256_and_pd(s.v, _mm256_set1_pd(-0.0)))}; }
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

// Comparisons: ordered (false with NaN) except ne, which is true with NaN.
static inline MF lt(VF a, VF b) { return {_mm256_cmp_ps(a.v, b.v, _CMP_LT_OQ)}; }
static inline MF le(VF a, VF b) { return {_mm256_cmp_ps(a.v, b.v, _CMP_LE_OQ)}; }
static inline MF gt(VF a, VF b) { return {_mm256_cmp_ps(a.v, b.v, _CMP_GT_OQ)}; }
static inline MF ge(VF a, VF b) { return {_mm256_cmp_ps(a.v, b.v, _CMP_GE_OQ)}; }
static inline MF eq(VF a, VF b) { return {_mm256_cmp_ps(a.v, b.v, _CMP_EQ_OQ)}; }
static inline MF ne(VF a, VF b) { return {_mm256_cmp_ps(a.v, b.v, _CMP_NEQ_UQ)}; }
static inline MF isnan(VF a) { return {_mm256_cmp_ps(a.v, a.v, _CMP_UNORD_Q)}; }
static inline MD lt(VD a, VD b) { return {_mm256_cmp_pd(a.v, b.v, _CMP_LT_OQ)}; }
static inline MD le(VD a, VD b) { return {_mm256_cmp_pd(a.v, b.v, _CMP_LE_OQ)}; }
static inline MD gt(VD a, VD b) { return {_mm256_cmp_pd(a.v, b.v, _CMP_GT_OQ)}; }
static inline MD ge(VD a, VD b) { return {_mm256_cmp_pd(a.v, b.v, _CMP_GE_OQ)}; }
static inline MD eq(VD a, VD b) { return {_mm256_cmp_pd(a.v, b.v, _CMP_EQ_OQ)}; }
static inline MD ne(VD a, VD b) { return {_mm256_cmp_pd(a.v, b.v, _CMP_NEQ_UQ)}; }
static inline MD isnan(VD a) { return {_mm256_cmp_pd(a.v, a.v, _CMP_UNORD_Q)}; }
static inline MF asMask(__m256i m) { return {_mm256_castsi256_ps(m)}; }
static inline MF operator~(MF a) { return {_mm256_xor_ps(a.m, _mm256_castsi256_ps(_mm256_set1_epi32(-1)))}; }
static inline MF gt(VI a, VI b) { return asMask(_mm256_cmpgt_epi32(a.v, b.v)); }
static inline MF lt(VI a, VI b) { return asMask(_mm256_cmpgt_epi32(b.v, a.v)); }
static inline MF le(VI a, VI b) { return ~gt(a, b); }
static inline MF ge(VI a, VI b) { return ~lt(a, b); }
static inline MF eq(VI a, VI b) { return asMask(_mm256_cmpeq_epi32(a.v, b.v)); }
static inline MF ne(VI a, VI b) { return ~eq(a, b); }
static inline MF isnan(VI) { return {_mm256_setzero_ps()}; }

// Masks: the logic, the lanes as bits (lane i is bit i), the first n lanes.
static inline MF operator|(MF a, MF b) { return {_mm256_or_ps(a.m, b.m)}; }
static inline MF operator&(MF a, MF b) { return {_mm256_and_ps(a.m, b.m)}; }
static inline MD operator|(MD a, MD b) { return {_mm256_or_pd(a.m, b.m)}; }
static inline MD operator&(MD a, MD b) { return {_mm256_and_pd(a.m, b.m)}; }
static inline MD operator~(MD a) { return {_mm256_xor_pd(a.m, _mm256_castsi256_pd(_mm256_set1_epi32(-1)))}; }
static inline unsigned bits(MF a) { return unsigned(_mm256_movemask_ps(a.m)); }
static inline unsigned bits(MD a) { return unsigned(_mm256_movemask_pd(a.m)); }
static inline MF firstLanes(MF, ptrdiff_t n) { return asMask(lanes32(n)); }
static inline MD firstLanes(MD, ptrdiff_t n) { return {_mm256_castsi256_pd(lanes64(n))}; }

// select(m, a, b) = m ? a : b, lane by lane.
static inline VF select(MF m, VF a, VF b) { return {_mm256_blendv_ps(b.v, a.v, m.m)}; }
static inline VD select(MD m, VD a, VD b) { return {_mm256_blendv_pd(b.v, a.v, m.m)}; }
static inline VI select(MF m, VI a, VI b) {
  return {_mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(b.v), _mm256_castsi256_ps(a.v), m.m))};
}

// A mask as int32 0/1 in memory: 8 (MF) or 4 (MD) int32s, or the first n of them.
static inline __m256i ones(MF m) { return _mm256_and_si256(_mm256_castps_si256(m.m), _mm256_set1_epi32(1)); }
static inline __m128i ones(MD m) {  // the low half of each 64-bit lane
  const __m256i idx = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
  const __m256i packed = _mm256_permutevar8x32_epi32(_mm256_castpd_si256(m.m), idx);
  return _mm_and_si128(_mm256_castsi256_si128(packed), _mm_set1_epi32(1));
}
static inline void store01(int32_t* p, MF m) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), ones(m)); }
static inline void store01_n(int32_t* p, MF m, ptrdiff_t n) { _mm256_maskstore_epi32(p, lanes32(n), ones(m)); }
static inline void store01(int32_t* p, MD m) { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), ones(m)); }
static inline void store01_n(int32_t* p, MD m, ptrdiff_t n) {
  _mm_maskstore_epi32(p, _mm256_castsi256_si128(lanes32(n)), ones(m));
}

// float <-> double: the low and high half of a VF as doubles, and two VDs rounded into one VF.
static inline VD lo(VF a) { return {_mm256_cvtps_pd(_mm256_castps256_ps128(a.v))}; }
static inline VD hi(VF a) { return {_mm256_cvtps_pd(_mm256_extractf128_ps(a.v, 1))}; }
// kD floats from memory as doubles.
static inline VD widen(const float* p) { return {_mm256_cvtps_pd(_mm_loadu_ps(p))}; }
static inline VF pack(VD l, VD h) {
  return {_mm256_insertf128_ps(_mm256_castps128_ps256(_mm256_cvtpd_ps(l.v)), _mm256_cvtpd_ps(h.v), 1)};
}

// The bits of doubles as int64 lanes and back, with the integer operations the math needs.
static inline VQ asBits(VD a) { return {_mm256_castpd_si256(a.v)}; }
static inline VD asDouble(VQ a) { return {_mm256_castsi256_pd(a.v)}; }
static inline VQ operator+(VQ a, VQ b) { return {_mm256_add_epi64(a.v, b.v)}; }
static inline VQ operator&(VQ a, VQ b) { return {_mm256_and_si256(a.v, b.v)}; }
static inline VQ operator|(VQ a, VQ b) { return {_mm256_or_si256(a.v, b.v)}; }
static inline VQ operator^(VQ a, VQ b) { return {_mm256_xor_si256(a.v, b.v)}; }
static inline VQ shl(VQ a, int n) { return {_mm256_slli_epi64(a.v, n)}; }
static inline VQ shr(VQ a, int n) { return {_mm256_srli_epi64(a.v, n)}; }
static inline MD nonzero(VQ a) {
  return ~MD{_mm256_castsi256_pd(_mm256_cmpeq_epi64(a.v, _mm256_setzero_si256()))};
}

// The sum of the lanes in registers: the halves added, then their halves (the recurrent products).
static inline float hsumTree(VF a) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(a.v), _mm256_extractf128_ps(a.v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
}
static inline double hsumTree(VD a) {
  __m128d s = _mm_add_pd(_mm256_castpd256_pd128(a.v), _mm256_extractf128_pd(a.v, 1));
  return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}

// Horizontal reductions of one vector in lane order (end-of-row work: through memory is fine).
template <class T, int N, class V, class F>
static inline T fold(V a, F f) {
  alignas(32) T t[N];
  store(t, a);
  T r = t[0];
  for (int i = 1; i < N; i++) r = f(r, t[i]);
  return r;
}
static inline double hsum(VD a) { return fold<double, kD>(a, [](double x, double y) { return x + y; }); }
static inline int32_t hsum(VI a) {
  return fold<int32_t, kF>(a, [](int32_t x, int32_t y) { return int32_t(uint32_t(x) + uint32_t(y)); });
}
static inline float hmax(VF a) { return fold<float, kF>(a, [](float x, float y) { return x > y ? x : y; }); }
static inline float hmin(VF a) { return fold<float, kF>(a, [](float x, float y) { return x < y ? x : y; }); }
static inline double hmax(VD a) { return fold<double, kD>(a, [](double x, double y) { return x > y ? x : y; }); }
static inline double hmin(VD a) { return fold<double, kD>(a, [](double x, double y) { return x < y ? x : y; }); }
static inline int32_t hmax(VI a) { return fold<int32_t, kF>(a, [](int32_t x, int32_t y) { return x > y ? x : y; }); }
static inline int32_t hmin(VI a) { return fold<int32_t, kF>(a, [](int32_t x, int32_t y) { return x < y ? x : y; }); }

}  // namespace nabla::simd::avx2
