// AVX-512 vectors: the small set of operations the elementwise (csrc/elementwise/simd/) and
// recurrent (csrc/recurrent/simd/) kernels are written in (the AVX2 twin is csrc/avx2/vec.h).
// VF: 16 floats, VD: 8 doubles, VI: 16 int32, VQ: 8 int64 (bit tricks on doubles); MF masks
// the 16 float or int32 lanes, MD the 8 double lanes. The attention kernels use GCC vectors
// instead (attention/rows.h), so that their scalar build shares the code.
#pragma once
// NOTE: GCC 12 warns about the deliberately undefined lanes inside its own AVX-512 intrinsics
// (_mm512_undefined_pd); the warning is spurious. Before the include, so it covers them.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>


#include <cstddef>
#include <cstdint>

namespace nabla::simd::avx512 {

struct VF { __m512 v; };
struct VD { __m512d v; };
struct VI { __m512i v; };
struct VQ { __m512i v; };
struct MF { __mmask16 m; };
struct MD { __mmask8 m; };

constexpr int kF = 16;
constexpr int kD = 8;

// The vector, its mask and its lane count for each element type.
template <class T> struct Vec;
template <> struct Vec<float> { using V = VF; using M = MF; static constexpr int N = kF; };
template <> struct Vec<double> { using V = VD; using M = MD; static constexpr int N = kD; };
template <> struct Vec<int32_t> { using V = VI; using M = MF; static constexpr int N = kF; };

// Loads and stores; the _n forms touch only the first n lanes (n < the lane count), zero the rest.
static inline VF load(const float* p) { return {_mm512_loadu_ps(p)}; }
static inline VD load(const double* p) { return {_mm512_loadu_pd(p)}; }
static inline VI load(const int32_t* p) { return {_mm512_loadu_si512(p)}; }
static inline VF load_n(const float* p, ptrdiff_t n) { return {_mm512_maskz_loadu_ps(__mmask16((1u << n) - 1), p)}; }
static inline VD load_n(const double* p, ptrdiff_t n) { return {_mm512_maskz_loadu_pd(__mmask8((1u << n) - 1), p)}; }
static inline VI load_n(const int32_t* p, ptrdiff_t n) { return {_mm512_maskz_loadu_epi32(__mmask16((1u << n) - 1), p)}; }
static inline void store(float* p, VF a) { _mm512_storeu_ps(p, a.v); }
static inline void store(double* p, VD a) { _mm512_storeu_pd(p, a.v); }
static inline void store(int32_t* p, VI a) { _mm512_storeu_si512(p, a.v); }
static inline void store_n(float* p, VF a, ptrdiff_t n) { _mm512_mask_storeu_ps(p, __mmask16((1u << n) - 1), a.v); }
static inline void store_n(double* p, VD a, ptrdiff_t n) { _mm512_mask_storeu_pd(p, __mmask8((1u << n) - 1), a.v); }
static inline void store_n(int32_t* p, VI a, ptrdiff_t n) { _mm512_mask_storeu_epi32(p, __mmask16((1u << n) - 1), a.v); }
static inline VF splat(float x) { return {_mm512_set1_ps(x)}; }
static inline VD splat(double x) { return {_mm512_set1_pd(x)}; }
static inline VI splat(int32_t x) { return {_mm512_set1_epi32(x)}; }
static inline VQ splatq(int64_t x) { return {_mm512_set1_epi64(x)}; }

// Arithmetic (int32 wraps).
static inline VF operator+(VF a, VF b) { return {_mm512_add_ps(a.v, b.v)}; }
static inline VF operator-(VF a, VF b) { return {_mm512_sub_ps(a.v, b.v)}; }
static inline VF operator*(VF a, VF b) { return {_mm512_mul_ps(a.v, b.v)}; }
static inline VF operator/(VF a, VF b) { return {_mm512_div_ps(a.v, b.v)}; }
static inline VD operator+(VD a, VD b) { return {_mm512_add_pd(a.v, b.v)}; }
static inline VD operator-(VD a, VD b) { return {_mm512_sub_pd(a.v, b.v)}; }
static inline VD operator*(VD a, VD b) { return {_mm512_mul_pd(a.v, b.v)}; }
static inline VD operator/(VD a, VD b) { return {_mm512_div_pd(a.v, b.v)}; }
static inline VI operator+(VI a, VI b) { return {_mm512_add_epi32(a.v, b.v)}; }
static inline VI operator-(VI a, VI b) { return {_mm512_sub_epi32(a.v, b.v)}; }
static inline VI operator*(VI a, VI b) { return {_mm512_mullo_epi32(a.v, b.v)}; }
static inline VF fma(VF a, VF b, VF c) { return {_mm512_fmadd_ps(a.v, b.v, c.v)}; }   // a*b + c
static inline VD fma(VD a, VD b, VD c) { return {_mm512_fmadd_pd(a.v, b.v, c.v)}; }
static inline VF fnma(VF a, VF b, VF c) { return {_mm512_fnmadd_ps(a.v, b.v, c.v)}; } // c - a*b
static inline VD fnma(VD a, VD b, VD c) { return {_mm512_fnmadd_pd(a.v, b.v, c.v)}; }
static inline VF sqrt(VF a) { return {_mm512_sqrt_ps(a.v)}; }
static inline VD sqrt(VD a) { return {_mm512_sqrt_pd(a.v)}; }
static inline VF neg(VF a) { return {_mm512_xor_ps(a.v, _mm512_set1_ps(-0.0f))}; }
static inline VD neg(VD a) { return {_mm512_xor_pd(a.v, _mm512_set1_pd(-0.0))}; }
static inline VI neg(VI a) { return {_mm512_sub_epi32(_mm512_setzero_si512(), a.v)}; }
static inline VF abs(VF a) { return {_mm512_andnot_ps(_mm512_set1_ps(-0.0f), a.v)}; }
static inline VD abs(VD a) { return {_mm512_andnot_pd(_mm512_set1_pd(-0.0), a.v)}; }
static inline VI abs(VI a) { return {_mm512_abs_epi32(a.v)}; }
// x86 max/min: a > b ? a : b (the second operand when either is NaN or both are zero).
static inline VF max(VF a, VF b) { return {_mm512_max_ps(a.v, b.v)}; }
static inline VD max(VD a, VD b) { return {_mm512_max_pd(a.v, b.v)}; }
static inline VI max(VI a, VI b) { return {_mm512_max_epi32(a.v, b.v)}; }
static inline VF min(VF a, VF b) { return {_mm512_min_ps(a.v, b.v)}; }
static inline VD min(VD a, VD b) { return {_mm512_min_pd(a.v, b.v)}; }
static inline VI min(VI a, VI b) { return {_mm512_min_epi32(a.v, b.v)}; }
static inline VF round(VF a) { return {_mm512_roundscale_ps(a.v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)}; }
static inline VD round(VD a) { return {_mm512_roundscale_pd(a.v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)}; }
// p * 2^n for integral n (overflow to Infinity, underflow rounded into the subnormals).
static inline VD ldexp(VD p, VD n) { return {_mm512_scalef_pd(p.v, n.v)}; }
// 1/d to ~2^-50 for any normal d (kWideRecip), enough for a result rounded to float: a 14-bit
// estimate and two Newton steps y += y (1 - d y) (a divide costs 16 cycles per 8 doubles; this,
// 5 instructions). The elementwise math's reciprocal.
constexpr bool kWideRecip = true;
static inline VD recipForFloat(VD d) {
  const __m512d one = _mm512_set1_pd(1.0);
  __m512d y = _mm512_rcp14_pd(d.v);
  y = _mm512_fmadd_pd(y, _mm512_fnmadd_pd(d.v, y, one), y);
  return {_mm512_fmadd_pd(y, _mm512_fnmadd_pd(d.v, y, one), y)};
}
// 1 / a for finite a > 0, the recurrent gates' reciprocal: floats, the 14-bit estimate and one
// Newton step r + r (1 - a r) (within 1 ulp); doubles divide (correctly rounded).
static inline VF recip(VF a) {
  const __m512 r = _mm512_rcp14_ps(a.v);
  return {_mm512_fmadd_ps(r, _mm512_fnmadd_ps(a.v, r, _mm512_set1_ps(1.0f)), r)};
}
static inline VD recip(VD a) { return {_mm512_div_pd(_mm512_set1_pd(1.0), a.v)}; }
// The sign bit of s set on a (a >= 0).
static inline VF withSign(VF a, VF s) { return {_mm512_or_ps(a.v, _mm512_and_ps(s.v, _mm512_set1_ps(-0.0f)))}; }
static inline VD withSign(VD a, VD s) { return {_mm512_or_pd(a.v, _mm512_and_pd(s.v, _mm512_set1_pd(-0.0)))}; }
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

// Comparisons: ordered (false with NaN) except ne, which is true with NaN.
static inline MF lt(VF a, VF b) { return {_mm512_cmp_ps_mask(a.v, b.v, _CMP_LT_OQ)}; }
static inline MF le(VF a, VF b) { return {_mm512_cmp_ps_mask(a.v, b.v, _CMP_LE_OQ)}; }
static inline MF gt(VF a, VF b) { return {_mm512_cmp_ps_mask(a.v, b.v, _CMP_GT_OQ)}; }
static inline MF ge(VF a, VF b) { return {_mm512_cmp_ps_mask(a.v, b.v, _CMP_GE_OQ)}; }
static inline MF eq(VF a, VF b) { return {_mm512_cmp_ps_mask(a.v, b.v, _CMP_EQ_OQ)}; }
static inline MF ne(VF a, VF b) { return {_mm512_cmp_ps_mask(a.v, b.v, _CMP_NEQ_UQ)}; }
static inline MF isnan(VF a) { return {_mm512_cmp_ps_mask(a.v, a.v, _CMP_UNORD_Q)}; }
static inline MD lt(VD a, VD b) { return {_mm512_cmp_pd_mask(a.v, b.v, _CMP_LT_OQ)}; }
static inline MD le(VD a, VD b) { return {_mm512_cmp_pd_mask(a.v, b.v, _CMP_LE_OQ)}; }
static inline MD gt(VD a, VD b) { return {_mm512_cmp_pd_mask(a.v, b.v, _CMP_GT_OQ)}; }
static inline MD ge(VD a, VD b) { return {_mm512_cmp_pd_mask(a.v, b.v, _CMP_GE_OQ)}; }
static inline MD eq(VD a, VD b) { return {_mm512_cmp_pd_mask(a.v, b.v, _CMP_EQ_OQ)}; }
static inline MD ne(VD a, VD b) { return {_mm512_cmp_pd_mask(a.v, b.v, _CMP_NEQ_UQ)}; }
static inline MD isnan(VD a) { return {_mm512_cmp_pd_mask(a.v, a.v, _CMP_UNORD_Q)}; }
static inline MF lt(VI a, VI b) { return {_mm512_cmplt_epi32_mask(a.v, b.v)}; }
static inline MF le(VI a, VI b) { return {_mm512_cmple_epi32_mask(a.v, b.v)}; }
static inline MF gt(VI a, VI b) { return {_mm512_cmpgt_epi32_mask(a.v, b.v)}; }
static inline MF ge(VI a, VI b) { return {_mm512_cmpge_epi32_mask(a.v, b.v)}; }
static inline MF eq(VI a, VI b) { return {_mm512_cmpeq_epi32_mask(a.v, b.v)}; }
static inline MF ne(VI a, VI b) { return {_mm512_cmpneq_epi32_mask(a.v, b.v)}; }
static inline MF isnan(VI) { return {0}; }

// Masks: the logic, whether any lane is set, the lanes as bits (lane i is bit i).
static inline MF operator|(MF a, MF b) { return {__mmask16(a.m | b.m)}; }
static inline MF operator&(MF a, MF b) { return {__mmask16(a.m & b.m)}; }
static inline MF operator~(MF a) { return {__mmask16(~a.m)}; }
static inline MD operator|(MD a, MD b) { return {__mmask8(a.m | b.m)}; }
static inline MD operator&(MD a, MD b) { return {__mmask8(a.m & b.m)}; }
static inline MD operator~(MD a) { return {__mmask8(~a.m)}; }
static inline unsigned bits(MF a) { return a.m; }
static inline unsigned bits(MD a) { return a.m; }
static inline MF firstLanes(MF, ptrdiff_t n) { return {__mmask16((1u << n) - 1)}; }
static inline MD firstLanes(MD, ptrdiff_t n) { return {__mmask8((1u << n) - 1)}; }

// select(m, a, b) = m ? a : b, lane by lane.
static inline VF select(MF m, VF a, VF b) { return {_mm512_mask_blend_ps(m.m, b.v, a.v)}; }
static inline VD select(MD m, VD a, VD b) { return {_mm512_mask_blend_pd(m.m, b.v, a.v)}; }
static inline VI select(MF m, VI a, VI b) { return {_mm512_mask_blend_epi32(m.m, b.v, a.v)}; }

// A mask as int32 0/1 in memory: 16 (MF) or 8 (MD) int32s, or the first n of them.
static inline void store01(int32_t* p, MF m) { _mm512_storeu_si512(p, _mm512_maskz_set1_epi32(m.m, 1)); }
static inline void store01_n(int32_t* p, MF m, ptrdiff_t n) { store_n(p, VI{_mm512_maskz_set1_epi32(m.m, 1)}, n); }
static inline void store01(int32_t* p, MD m) {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), _mm256_maskz_set1_epi32(m.m, 1));
}
static inline void store01_n(int32_t* p, MD m, ptrdiff_t n) {
  _mm256_mask_storeu_epi32(p, __mmask8((1u << n) - 1), _mm256_maskz_set1_epi32(m.m, 1));
}

// float <-> double: the low and high half of a VF as doubles, and two VDs rounded into one VF.
static inline VD lo(VF a) { return {_mm512_cvtps_pd(_mm512_castps512_ps256(a.v))}; }
static inline VD hi(VF a) { return {_mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(a.v), 1)))}; }
// kD floats from memory as doubles (the conversion reads memory directly: no extract).
static inline VD widen(const float* p) { return {_mm512_cvtps_pd(_mm256_loadu_ps(p))}; }
static inline VF pack(VD l, VD h) {
  return {_mm512_insertf32x8(_mm512_castps256_ps512(_mm512_cvtpd_ps(l.v)), _mm512_cvtpd_ps(h.v), 1)};
}

// The bits of doubles as int64 lanes and back, with the integer operations the math needs.
static inline VQ asBits(VD a) { return {_mm512_castpd_si512(a.v)}; }
static inline VD asDouble(VQ a) { return {_mm512_castsi512_pd(a.v)}; }
static inline VQ operator+(VQ a, VQ b) { return {_mm512_add_epi64(a.v, b.v)}; }
static inline VQ operator&(VQ a, VQ b) { return {_mm512_and_si512(a.v, b.v)}; }
static inline VQ operator|(VQ a, VQ b) { return {_mm512_or_si512(a.v, b.v)}; }
static inline VQ operator^(VQ a, VQ b) { return {_mm512_xor_si512(a.v, b.v)}; }
static inline VQ shl(VQ a, int n) { return {_mm512_slli_epi64(a.v, unsigned(n))}; }
static inline VQ shr(VQ a, int n) { return {_mm512_srli_epi64(a.v, unsigned(n))}; }
static inline MD nonzero(VQ a) { return {_mm512_test_epi64_mask(a.v, a.v)}; }

// Horizontal reductions of one vector. hsumTree adds the halves in registers, then their halves
// (the recurrent products); so does hsum here (the AVX2 hsum adds in lane order).
static inline float hsumTree(VF a) { return _mm512_reduce_add_ps(a.v); }
static inline double hsumTree(VD a) { return _mm512_reduce_add_pd(a.v); }
static inline double hsum(VD a) { return _mm512_reduce_add_pd(a.v); }
static inline int32_t hsum(VI a) { return _mm512_reduce_add_epi32(a.v); }
static inline float hmax(VF a) { return _mm512_reduce_max_ps(a.v); }
static inline float hmin(VF a) { return _mm512_reduce_min_ps(a.v); }
static inline double hmax(VD a) { return _mm512_reduce_max_pd(a.v); }
static inline double hmin(VD a) { return _mm512_reduce_min_pd(a.v); }
static inline int32_t hmax(VI a) { return _mm512_reduce_max_epi32(a.v); }
static inline int32_t hmin(VI a) { return _mm512_reduce_min_epi32(a.v); }

}  // namespace nabla::simd::avx512
