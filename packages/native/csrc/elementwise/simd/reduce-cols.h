// Vector column reductions: out[j] = op over the rows r of x[r * rowStride + j], with the same
// semantics as the row kernels (reduce-rows.h); strips of column accumulators stay in registers.
#pragma once
#include <type_traits>

#include "elementwise/simd/reduce-rows.h"

namespace nabla::ew::NABLA_ISA {

constexpr ptrdiff_t kBlock = 256;  // argmax/argmin columns per pass (accumulators on the stack)

// Column kernels walk the columns in strips of S vectors whose accumulators stay in registers
// over all rows (S = 4: 64 float32 columns on AVX-512), then strips of one vector, the last one
// partial (w < lanes). Load the w columns of a strip starting at p:
template <class T>
static inline auto loadCols(const T* p, ptrdiff_t w) {
  return w >= Vec<T>::N ? load(p) : load_n(p, w);
}
template <class T, class V>
static inline void storeCols(T* p, V v, ptrdiff_t w) {
  if (w >= Vec<T>::N) store(p, v);
  else store_n(p, v, w);
}

// Runs strip<S>(j, w) over the columns: full strips of S vectors, then single vectors.
template <class T, class F>
static inline void strips(ptrdiff_t cols, F&& strip) {
  constexpr int N = Vec<T>::N;
  ptrdiff_t j = 0;
  for (; j + 4 * N <= cols; j += 4 * N) strip(std::integral_constant<int, 4>{}, j, 4 * N);
  for (; j < cols; j += N) strip(std::integral_constant<int, 1>{}, j, cols - j < N ? cols - j : N);
}

// Column sums: float32 widened into double accumulators (two per vector), rounded once.
void sumColsF32(const void* x, ptrdiff_t rs, ptrdiff_t rows, ptrdiff_t cols, void* out) {
  const float* p = static_cast<const float*>(x);
  float* o = static_cast<float*>(out);
  strips<float>(cols, [&](auto s, ptrdiff_t j, ptrdiff_t w) {
    constexpr int S = decltype(s)::value;
    VD acc[2 * S];
    for (int v = 0; v < 2 * S; v++) acc[v] = splat(0.0);
    for (ptrdiff_t r = 0; r < rows; r++)
      for (int v = 0; v < S; v++) {
        const VF a = loadCols(p + r * rs + j + v * kF, w - v * kF);
        acc[2 * v] = acc[2 * v] + lo(a);
        acc[2 * v + 1] = acc[2 * v + 1] + hi(a);
      }
    for (int v = 0; v < S; v++) storeCols(o + j + v * kF, pack(acc[2 * v], acc[2 * v + 1]), w - v * kF);
  });
}

// Column sums of float64: a TwoSum pair per lane, s + c rounded once (s alone if not finite).
void sumColsF64(const void* x, ptrdiff_t rs, ptrdiff_t rows, ptrdiff_t cols, void* out) {
  const double* p = static_cast<const double*>(x);
  double* o = static_cast<double*>(out);
  strips<double>(cols, [&](auto k, ptrdiff_t j, ptrdiff_t w) {
    constexpr int S = decltype(k)::value;
    VD s[S], c[S];
    for (int v = 0; v < S; v++) s[v] = c[v] = splat(0.0);
    for (ptrdiff_t r = 0; r < rows; r++)
      for (int v = 0; v < S; v++) twoSum(s[v], c[v], loadCols(p + r * rs + j + v * kD, w - v * kD));
    for (int v = 0; v < S; v++) {
      const VD f = select(lt(abs(s[v]), splat(__builtin_inf())), s[v] + c[v], s[v]);
      storeCols(o + j + v * kD, f, w - v * kD);
    }
  });
}

// Column sums of int32, wrapping.
void sumColsI32(const void* x, ptrdiff_t rs, ptrdiff_t rows, ptrdiff_t cols, void* out) {
  const int32_t* p = static_cast<const int32_t*>(x);
  int32_t* o = static_cast<int32_t*>(out);
  strips<int32_t>(cols, [&](auto k, ptrdiff_t j, ptrdiff_t w) {
    constexpr int S = decltype(k)::value;
    VI a[S];
    for (int v = 0; v < S; v++) a[v] = splat(int32_t(0));
    for (ptrdiff_t r = 0; r < rows; r++)
      for (int v = 0; v < S; v++) a[v] = a[v] + loadCols(p + r * rs + j + v * kF, w - v * kF);
    for (int v = 0; v < S; v++) storeCols(o + j + v * kF, a[v], w - v * kF);
  });
}

// Column max/min: a later value replaces the kept one if larger (smaller) or NaN, so ties keep
// the first row and NaN wins.
template <class T, bool Max>
void extremumCols(const void* x, ptrdiff_t rs, ptrdiff_t rows, ptrdiff_t cols, void* out) {
  constexpr int N = Vec<T>::N;
  const T* p = static_cast<const T*>(x);
  T* o = static_cast<T*>(out);
  strips<T>(cols, [&](auto k, ptrdiff_t j, ptrdiff_t w) {
    constexpr int S = decltype(k)::value;
    typename Vec<T>::V m[S];
    for (int v = 0; v < S; v++) m[v] = loadCols(p + j + v * N, w - v * N);
    for (ptrdiff_t r = 1; r < rows; r++)
      for (int v = 0; v < S; v++) {
        const auto a = loadCols(p + r * rs + j + v * N, w - v * N);
        m[v] = select((Max ? gt(a, m[v]) : lt(a, m[v])) | isnan(a), a, m[v]);
      }
    for (int v = 0; v < S; v++) storeCols(o + j + v * N, m[v], w - v * N);
  });
}

// Column argmax/argmin: the row of the first extremum, or of the first NaN (then it sticks).
// Indices are kept as int32 lanes beside float/int32 values, as doubles beside doubles.
template <class T, bool Max>
void argCols(const void* x, ptrdiff_t rs, ptrdiff_t rows, ptrdiff_t cols, void* out) {
  using I = typename std::conditional<sizeof(T) == 8, double, int32_t>::type;
  constexpr int N = Vec<T>::N;
  const T* p = static_cast<const T*>(x);
  int32_t* o = static_cast<int32_t*>(out);
  for (ptrdiff_t j0 = 0; j0 < cols; j0 += kBlock) {
    const ptrdiff_t w = cols - j0 < kBlock ? cols - j0 : kBlock;
    alignas(64) T best[kBlock];
    alignas(64) I idx[kBlock];
    for (ptrdiff_t j = 0; j < w; j++) best[j] = p[j0 + j], idx[j] = 0;
    for (ptrdiff_t r = 1; r < rows; r++) {
      const T* row = p + r * rs + j0;
      const auto rv = splat(I(r));
      for (ptrdiff_t j = 0; j < w; j += N) {
        const auto v = w - j >= N ? load(row + j) : load_n(row + j, w - j);
        const auto m = load(best + j);
        const auto up = (Max ? gt(v, m) : lt(v, m)) | (isnan(v) & ~isnan(m));
        store(best + j, select(up, v, m));
        store(idx + j, select(up, rv, load(idx + j)));
      }
    }
    for (ptrdiff_t j = 0; j < w; j++) o[j0 + j] = int32_t(idx[j]);
  }
}

}  // namespace nabla::ew::NABLA_ISA
