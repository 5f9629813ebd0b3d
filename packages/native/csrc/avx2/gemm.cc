// AVX2 + FMA micro-kernels. float: a 6 x 16 tile of C in 12 ymm accumulators (6 rows x 2 vectors
// of 8); double: 6 x 8 (6 rows x 2 vectors of 4). With the 2 B vectors and the broadcast A value
// that is 15 of the 16 ymm registers. Per step of k: load the NR-wide row of the B panel,
// broadcast each of the MR values of the A panel, one FMA per accumulator. Remainder path: a tile
// with fewer rows runs the same code instantiated for that many rows, fewer columns are stored
// through lane masks (the packed B panel is zero-padded). The same tile also runs on A and B in
// place (no packing) for small products.
#include <immintrin.h>

#include <utility>

#include "gemm/kernels.h"
#include "gemm/pack-inl.h"
#include "gemm/transpose-avx-inl.h"

namespace nabla::avx2 {
namespace {

template <class T>
struct Vec;

template <>
struct Vec<float> {
  using V = __m256;
  static constexpr int kWidth = 8;
  static V zero() { return _mm256_setzero_ps(); }
  static V load(const float* p) { return _mm256_load_ps(p); }
  static V loadu(const float* p) { return _mm256_loadu_ps(p); }
  static void storeu(float* p, V v) { _mm256_storeu_ps(p, v); }
  static V broadcast(const float* p) { return _mm256_broadcast_ss(p); }
  static V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static __m256i lanes(int n) {  // all-ones in the first n lanes
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static V loadMasked(__m256i m, const float* p) { return _mm256_maskload_ps(p, m); }
  static void storeMasked(float* p, __m256i m, V v) { _mm256_maskstore_ps(p, m, v); }
};

template <>
struct Vec<double> {
  using V = __m256d;
  static constexpr int kWidth = 4;
  static V zero() { return _mm256_setzero_pd(); }
  static V load(const double* p) { return _mm256_load_pd(p); }
  static V loadu(const double* p) { return _mm256_loadu_pd(p); }
  static void storeu(double* p, V v) { _mm256_storeu_pd(p, v); }
  static V broadcast(const double* p) { return _mm256_broadcast_sd(p); }
  static V fma(V a, V b, V c) { return _mm256_fmadd_pd(a, b, c); }
  static V add(V a, V b) { return _mm256_add_pd(a, b); }
  static __m256i lanes(int n) {
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x(n), _mm256_setr_epi64x(0, 1, 2, 3));
  }
  static V loadMasked(__m256i m, const double* p) { return _mm256_maskload_pd(p, m); }
  static void storeMasked(double* p, __m256i m, V v) { _mm256_maskstore_pd(p, m, v); }
};

constexpr int kNV = 2;  // vectors per row of the tile
template <class T>
constexpr int kMR = 6;
template <class T>
constexpr int kNR = kNV * Vec<T>::kWidth;

// C[R, cols] (+)= A[R, kc] B[kc, cols] for R <= MR rows, cols <= NR: A[i, p] = a[i * as0 + p * as1]
// and B[p, j] = b[p * bs0 + j]. Packed panels (kPacked: as0 = 1, as1 = MR, bs0 = NR, zero-padded)
// fix the strides at compile time; otherwise A and B are read in place and B's columns masked.
template <class T, int R, bool kPacked>
void tileRows(int kc, const T* a, ptrdiff_t as0, ptrdiff_t as1, const T* b, ptrdiff_t bs0, T* c,
              ptrdiff_t ldc, int cols, bool add) {
  using O = Vec<T>;
  constexpr int nr = kNR<T>, w = O::kWidth;
  if constexpr (kPacked) as0 = 1, as1 = kMR<T>, bs0 = nr;
  const bool full = cols == nr;
  __m256i mask[kNV];
  #pragma GCC unroll 16
  for (int v = 0; v < kNV; ++v) mask[v] = O::lanes(cols - v * w);
  typename O::V acc[R][kNV];
  #pragma GCC unroll 16
  for (int i = 0; i < R; ++i) {
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + nr - 1), _MM_HINT_T0);
    #pragma GCC unroll 16
    for (int v = 0; v < kNV; ++v) acc[i][v] = O::zero();
  }
  for (int p = 0; p < kc; ++p, a += as1, b += bs0) {
    typename O::V bv[kNV];
    #pragma GCC unroll 16
    for (int v = 0; v < kNV; ++v)
      bv[v] = kPacked ? O::load(b + v * w) : full ? O::loadu(b + v * w) : O::loadMasked(mask[v], b + v * w);
    #pragma GCC unroll 16
    for (int i = 0; i < R; ++i) {
      typename O::V ai = O::broadcast(a + i * as0);
      #pragma GCC unroll 16
      for (int v = 0; v < kNV; ++v) acc[i][v] = O::fma(ai, bv[v], acc[i][v]);
    }
  }
  #pragma GCC unroll 16
  for (int i = 0; i < R; ++i, c += ldc)
    #pragma GCC unroll 16
    for (int v = 0; v < kNV; ++v) {
      typename O::V r = acc[i][v];
      if (full) {
        if (add) r = O::add(r, O::loadu(c + v * w));
        O::storeu(c + v * w, r);
      } else {
        if (add) r = O::add(r, O::loadMasked(mask[v], c + v * w));
        O::storeMasked(c + v * w, mask[v], r);
      }
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

// Cache blocks as on AVX-512 (avx512/gemm.cc), MC a multiple of MR = 6.
const GemmKernels<float> kGemmF32 = {"avx2",      kMR<float>, kNR<float>, 256, 192, 256, tile<float>,
                                     packABlock<float, kMR<float>, NoTranspose>,
                                     packBBlock<float, kNR<float>, Transpose8f>, tileInPlace<float>};
const GemmKernels<double> kGemmF64 = {"avx2",       kMR<double>, kNR<double>, 256, 96, 128, tile<double>,
                                      packABlock<double, kMR<double>, NoTranspose>,
                                      packBBlock<double, kNR<double>, Transpose4d>, tileInPlace<double>};

}  // namespace nabla::avx2
