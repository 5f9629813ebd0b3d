// AVX-512 micro-kernels. float: an 8 x 32 tile of C in 16 zmm accumulators (8 rows x 2 vectors of
// 16); double: 8 x 16 (8 rows x 2 vectors of 8). Per step of k: load the NR-wide row of the B
// panel (2 vectors), broadcast each of the MR values of the A panel, one FMA per accumulator.
// Remainder path: a tile with fewer rows runs the same code instantiated for that many rows (no
// wasted FMAs), fewer columns are masked at the store (the packed B panel is zero-padded).
#include <immintrin.h>

#include <utility>

#include "gemm/kernels.h"
#include "gemm/pack-inl.h"

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

// C[R, cols] (+)= A panel (stride MR) times B panel (stride NR), R <= MR rows.
template <class T, int R>
void tileRows(int kc, const T* a, const T* b, T* c, ptrdiff_t ldc, int cols, bool add) {
  using O = Vec<T>;
  constexpr int nv = Shape<T>::kNV, mr = kMR<T>, nr = kNR<T>, w = O::kWidth;
  typename O::V acc[R][nv];
  for (int i = 0; i < R; ++i) {
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + nr - 1), _MM_HINT_T0);
    for (int v = 0; v < nv; ++v) acc[i][v] = O::zero();
  }
  for (int p = 0; p < kc; ++p, a += mr, b += nr) {
    typename O::V bv[nv];
    for (int v = 0; v < nv; ++v) bv[v] = O::load(b + v * w);
    for (int i = 0; i < R; ++i) {
      typename O::V ai = O::broadcast(a + i);
      for (int v = 0; v < nv; ++v) acc[i][v] = O::fma(ai, bv[v], acc[i][v]);
    }
  }
  typename O::Mask mask[nv];
  for (int v = 0; v < nv; ++v) mask[v] = lanes<T>(cols - v * w);
  for (int i = 0; i < R; ++i, c += ldc)
    for (int v = 0; v < nv; ++v) {
      typename O::V r = acc[i][v];
      if (add) r = O::add(r, O::loadMasked(mask[v], c + v * w));
      O::storeMasked(c + v * w, mask[v], r);
    }
}

template <class T>
using TileFn = void (*)(int, const T*, const T*, T*, ptrdiff_t, int, bool);

template <class T, size_t... R>
void tileDispatch(std::index_sequence<R...>, int kc, const T* a, const T* b, T* c, ptrdiff_t ldc,
                  int rows, int cols, bool add) {
  static constexpr TileFn<T> byRows[] = {tileRows<T, R + 1>...};
  byRows[rows - 1](kc, a, b, c, ldc, cols, add);
}

template <class T>
void tile(int kc, const T* a, const T* b, T* c, ptrdiff_t ldc, int rows, int cols, bool add) {
  tileDispatch<T>(std::make_index_sequence<kMR<T>>{}, kc, a, b, c, ldc, rows, cols, add);
}

}  // namespace

const GemmKernels<float> kGemmF32 = {"avx512",
                                     kMR<float>,
                                     kNR<float>,
                                     256,
                                     256,
                                     4096,
                                     tile<float>,
                                     packAPanel<float, kMR<float>>,
                                     packBPanel<float, kNR<float>>};
const GemmKernels<double> kGemmF64 = {"avx512",
                                      kMR<double>,
                                      kNR<double>,
                                      256,
                                      128,
                                      2048,
                                      tile<double>,
                                      packAPanel<double, kMR<double>>,
                                      packBPanel<double, kNR<double>>};

}  // namespace nabla::avx512
