// AVX-512 micro-kernels. float: an 8 x 32 tile of C in 16 zmm accumulators (8 rows x 2 vectors of
// 16); double: 8 x 16 (8 rows x 2 vectors of 8). Per step of k: load the NR-wide row of the B
// panel (2 vectors), broadcast each of the MR values of the A panel, one FMA per accumulator.
// Remainder path: a tile with fewer rows runs the same code instantiated for that many rows (no
// wasted FMAs), fewer columns are masked at the store (the packed B panel is zero-padded). The
// same tile also runs on A and B in place (no packing) for small products.
#include <immintrin.h>

#include <utility>

#include "gemm/kernels.h"
#include "gemm/pack-inl.h"
#include "gemm/transpose-avx-inl.h"

namespace nabla::avx512 {
namespace {

template <class T>
struct Vec;

template <>
struct Vec<float> {
  using V = __m512;
  using Mask = __mmask16;
  static constexpr int kWidth = 16;
  static V zero() { return _mm512_setzero_ps(); }
  static V load(const float* p) { return _mm512_load_ps(p); }
  static V broadcast(const float* p) { return _mm512_set1_ps(*p); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static V loadMasked(Mask m, const float* p) { return _mm512_maskz_loadu_ps(m, p); }
  static void storeMasked(float* p, Mask m, V v) { _mm512_mask_storeu_ps(p, m, v); }
};

template <>
struct Vec<double> {
  using V = __m512d;
  using Mask = __mmask8;
  static constexpr int kWidth = 8;
  static V zero() { return _mm512_setzero_pd(); }
  static V load(const double* p) { return _mm512_load_pd(p); }
  static V broadcast(const double* p) { return _mm512_set1_pd(*p); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }
  static V add(V a, V b) { return _mm512_add_pd(a, b); }
  static V loadMasked(Mask m, const double* p) { return _mm512_maskz_loadu_pd(m, p); }
  static void storeMasked(double* p, Mask m, V v) { _mm512_mask_storeu_pd(p, m, v); }
};

// The first n lanes of a vector (n may be <= 0 or past the width).
template <class T>
typename Vec<T>::Mask lanes(int n) {
  constexpr int w = Vec<T>::kWidth;
  return n <= 0 ? 0 : n >= w ? typename Vec<T>::Mask(~0u) : typename Vec<T>::Mask((1u << n) - 1);
}

// Register transposes for packing (pack-inl.h): dst[q * ds + j] = src[j * ss + q], j, q < kSize.
struct Transpose16f {  // 16 x 16 floats, in zmm registers: B^T panels
  static constexpr int kSize = 16;
  static void run(const float* src, ptrdiff_t ss, float* dst, ptrdiff_t ds) {
    __m512 r[16], t[16];
    for (int i = 0; i < 16; ++i) r[i] = _mm512_loadu_ps(src + i * ss);
    for (int i = 0; i < 16; i += 2) {  // per 128-bit lane L: rows i, i+1 of columns 4L..4L+3
      t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
      t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {  // r[4g + c], lane L: rows 4g..4g+3 of column 4L + c
      const __m512d t0 = _mm512_castps_pd(t[i]), t1 = _mm512_castps_pd(t[i + 1]);
      const __m512d t2 = _mm512_castps_pd(t[i + 2]), t3 = _mm512_castps_pd(t[i + 3]);
      r[i] = _mm512_castpd_ps(_mm512_unpacklo_pd(t0, t2));
      r[i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(t0, t2));
      r[i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(t1, t3));
      r[i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(t1, t3));
    }
    for (int c = 0; c < 4; ++c) {  // gather lane L of the four row groups: column 4L + c
      t[c] = _mm512_shuffle_f32x4(r[c], r[4 + c], 0x88);
      t[4 + c] = _mm512_shuffle_f32x4(r[c], r[4 + c], 0xdd);
      t[8 + c] = _mm512_shuffle_f32x4(r[8 + c], r[12 + c], 0x88);
      t[12 + c] = _mm512_shuffle_f32x4(r[8 + c], r[12 + c], 0xdd);
    }
    for (int c = 0; c < 4; ++c) {
      _mm512_storeu_ps(dst + c * ds, _mm512_shuffle_f32x4(t[c], t[8 + c], 0x88));
      _mm512_storeu_ps(dst + (8 + c) * ds, _mm512_shuffle_f32x4(t[c], t[8 + c], 0xdd));
      _mm512_storeu_ps(dst + (4 + c) * ds, _mm512_shuffle_f32x4(t[4 + c], t[12 + c], 0x88));
      _mm512_storeu_ps(dst + (12 + c) * ds, _mm512_shuffle_f32x4(t[4 + c], t[12 + c], 0xdd));
    }
  }
};

struct Transpose8d {  // 8 x 8 doubles, in zmm registers: A and B^T panels
  static constexpr int kSize = 8;
  static void run(const double* src, ptrdiff_t ss, double* dst, ptrdiff_t ds) {
    __m512d r[8], t[8];
    for (int i = 0; i < 8; ++i) r[i] = _mm512_loadu_pd(src + i * ss);
    for (int i = 0; i < 8; i += 2) {  // per 128-bit lane L: rows i, i+1 of column 2L (lo), 2L+1 (hi)
      t[i] = _mm512_unpacklo_pd(r[i], r[i + 1]);
      t[i + 1] = _mm512_unpackhi_pd(r[i], r[i + 1]);
    }
    for (int h = 0; h < 2; ++h)  // rows 4h..4h+3: r[4h + x] holds lanes {L0, L2} or {L1, L3}
      for (int x = 0; x < 2; ++x) {
        r[4 * h + x] = _mm512_shuffle_f64x2(t[4 * h + x], t[4 * h + 2 + x], 0x88);
        r[4 * h + 2 + x] = _mm512_shuffle_f64x2(t[4 * h + x], t[4 * h + 2 + x], 0xdd);
      }
    // r[x] = columns x (lanes 0, 2) and 4 + x (lanes 1, 3) of rows 0..3; r[2 + x]: 2 + x and 6 + x.
    for (int c = 0; c < 4; ++c) {
      const __m512d lo = r[c], hi = r[4 + c];
      const int col = (c & 1) + 2 * (c >> 1);
      _mm512_storeu_pd(dst + col * ds, _mm512_shuffle_f64x2(lo, hi, 0x88));
      _mm512_storeu_pd(dst + (col + 4) * ds, _mm512_shuffle_f64x2(lo, hi, 0xdd));
    }
  }
};

// The register tile: MR rows of NV vectors.
template <class T>
struct Shape;
template <>
struct Shape<float> {
  static constexpr int kMR = 8, kNV = 2;
};
template <>
struct Shape<double> {
  static constexpr int kMR = 8, kNV = 2;
};

template <class T>
constexpr int kMR = Shape<T>::kMR;
template <class T>
constexpr int kNR = Shape<T>::kNV * Vec<T>::kWidth;

// C[R, cols] (+)= A[R, kc] B[kc, cols] for R <= MR rows, cols <= NR: A[i, p] = a[i * as0 + p * as1]
// and B[p, j] = b[p * bs0 + j]. Packed panels (kPacked: as0 = 1, as1 = MR, bs0 = NR, zero-padded)
// fix the strides at compile time; otherwise A and B are read in place and B's columns masked.
template <class T, int R, bool kPacked>
void tileRows(int kc, const T* a, ptrdiff_t as0, ptrdiff_t as1, const T* b, ptrdiff_t bs0, T* c,
              ptrdiff_t ldc, int cols, bool add) {
  using O = Vec<T>;
  constexpr int nv = Shape<T>::kNV, nr = kNR<T>, w = O::kWidth;
  if constexpr (kPacked) as0 = 1, as1 = kMR<T>, bs0 = nr;
  typename O::Mask mask[nv];
  #pragma GCC unroll 16
  for (int v = 0; v < nv; ++v) mask[v] = lanes<T>(cols - v * w);
  typename O::V acc[R][nv];
  #pragma GCC unroll 16
  for (int i = 0; i < R; ++i) {
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + nr - 1), _MM_HINT_T0);
    #pragma GCC unroll 16
    for (int v = 0; v < nv; ++v) acc[i][v] = O::zero();
  }
  for (int p = 0; p < kc; ++p, a += as1, b += bs0) {
    typename O::V bv[nv];
    #pragma GCC unroll 16
    for (int v = 0; v < nv; ++v) bv[v] = kPacked ? O::load(b + v * w) : O::loadMasked(mask[v], b + v * w);
    #pragma GCC unroll 16
    for (int i = 0; i < R; ++i) {
      typename O::V ai = O::broadcast(a + i * as0);
      #pragma GCC unroll 16
      for (int v = 0; v < nv; ++v) acc[i][v] = O::fma(ai, bv[v], acc[i][v]);
    }
  }
  #pragma GCC unroll 16
  for (int i = 0; i < R; ++i, c += ldc)
    #pragma GCC unroll 16
    for (int v = 0; v < nv; ++v) {
      typename O::V r = acc[i][v];
      if (add) r = O::add(r, O::loadMasked(mask[v], c + v * w));
      O::storeMasked(c + v * w, mask[v], r);
    }
}

template <class T>
using TileFn = void (*)(int, const T*, ptrdiff_t, ptrdiff_t, const T*, ptrdiff_t, T*, ptrdiff_t, int, bool);

// The tile function for `rows` rows: one instantiation per row count, the remainder path.
template <class T, bool kPacked, size_t... R>
TileFn<T> byRows(std::index_sequence<R...>, int rows) {
  static constexpr TileFn<T> fns[] = {tileRows<T, R + 1, kPacked>...};
  return fns[rows - 1];
}

template <class T>
void tile(int kc, const T* a, const T* b, T* c, ptrdiff_t ldc, int rows, int cols, bool add) {
  byRows<T, true>(std::make_index_sequence<kMR<T>>{}, rows)(kc, a, 0, 0, b, 0, c, ldc, cols, add);
}

template <class T>
void tileInPlace(int k, const T* a, ptrdiff_t as0, ptrdiff_t as1, const T* b, ptrdiff_t bs0, T* c,
                 ptrdiff_t ldc, int rows, int cols, bool add) {
  byRows<T, false>(std::make_index_sequence<kMR<T>>{}, rows)(k, a, as0, as1, b, bs0, c, ldc, cols, add);
}

}  // namespace

// Cache blocks: KC x NR of B (32 KB) stays in L1 while MC x KC of A (256 KB for float) streams
// from L2; a task packs at most KC x NC of B (256 KB), which leaves L2 room for B itself.
const GemmKernels<float> kGemmF32 = {"avx512",    kMR<float>, kNR<float>, 256, 256, 256, tile<float>,
                                     packABlock<float, kMR<float>, Transpose8f>,
                                     packBBlock<float, kNR<float>, Transpose16f>, tileInPlace<float>};
const GemmKernels<double> kGemmF64 = {"avx512",     kMR<double>, kNR<double>, 256, 128, 128, tile<double>,
                                      packABlock<double, kMR<double>, Transpose8d>,
                                      packBBlock<double, kNR<double>, Transpose8d>, tileInPlace<double>};

}  // namespace nabla::avx512
