// Vector column reductions: out[j] = op over the rows r of x[r * rowStride + j], with the same
// semantics as the row kernels (reduce-rows.h).
#pragma once
#include <type_traits>

#include "elementwise/simd/reduce-rows.h"

namespace nabla::ew::NABLA_ISA {

// Columns are reduced in blocks of up to kBlock whose accumulators (<= 16 KB) stay in L1, and
// within a block the rows are read top to bottom four at a time: four linear streams, which the
// prefetchers follow (walking narrow column strips down a matrix larger than L2 ran at half the
// speed), and one accumulator load and store per four rows.
constexpr ptrdiff_t kBlock = 1024;

// The w columns of a vector starting at p (w < the lane count: a partial load or store).
template <class T>
static inline auto loadCols(const T* p, ptrdiff_t w) {
  return w >= Vec<T>::N ? load(p) : load_n(p, w);
}
template <class T, class V>
static inline void storeCols(T* p, V v, ptrdiff_t w) {
  if (w >= Vec<T>::N) store(p, v);
  else store_n(p, v, w);
}

// Calls block(j0, w) for each block of columns [j0, j0 + w).
template <class F>
static inline void columnBlocks(ptrdiff_t cols, F&& block) {
  for (ptrdiff_t j0 = 0; j0 < cols; j0 += kBlock) block(j0, cols - j0 < kBlock ? cols - j0 : kBlock);
}

// Column sums of float32 in double accumulators (two per vector), rounded once.
void sumColsF32(const void* x, ptrdiff_t rs, ptrdiff_t rows, ptrdiff_t cols, void* out) {
  columnBlocks(cols, [&](ptrdiff_t j0, ptrdiff_t w) {
    const float* p = static_cast<const float*>(x) + j0;
    alignas(64) double acc[kBlock];
    for (ptrdiff_t j = 0; j < w; j += kD) store(acc + j, splat(0.0));
    const auto add = [&](ptrdiff_t j, VD l, VD h) {
      store(acc + j, load(acc + j) + l);
      if (j + kD < w) store(acc + j + kD, load(acc + j + kD) + h);
    };
    ptrdiff_t r = 0;
    for (; r + 8 <= rows; r += 8) {
      const float* q = p + r * rs;
      for (ptrdiff_t j = 0; j < w; j += kF) {
        VD l = splat(0.0), h = l, l2 = l, h2 = l;
        if (w - j >= kF) {  // whole vectors: widened straight from memory
          for (int i = 0; i < 8; i += 2) {
            const float *a = q + i * rs + j, *b = a + rs;
            l = l + widen(a), h = h + widen(a + kD), l2 = l2 + widen(b), h2 = h2 + widen(b + kD);
          }
        } else {
          for (int i = 0; i < 8; i += 2) {
            const VF a = loadCols(q + i * rs + j, w - j), b = loadCols(q + (i + 1) * rs + j, w - j);
            l = l + lo(a), h = h + hi(a), l2 = l2 + lo(b), h2 = h2 + hi(b);
          }
        }
        add(j, l + l2, h + h2);
      }
    }
    for (; r < rows; r++)
      for (ptrdiff_t j = 0; j < w; j += kF) {
        const VF a = loadCols(p + r * rs + j, w - j);
        add(j, lo(a), hi(a));
      }
    float* o = static_cast<float*>(out) + j0;
    for (ptrdiff_t j = 0; j < w; j++) o[j] = float(acc[j]);
  });
}

// Column sums of float64: a TwoSum pair per column, s + c rounded once (s alone if not finite).
void sumColsF64(const void* x, ptrdiff_t rs, ptrdiff_t rows, ptrdiff_t cols, void* out) {
  columnBlocks(cols, [&](ptrdiff_t j0, ptrdiff_t w) {
    const double* p = static_cast<const double*>(x) + j0;
    alignas(64) double s[kBlock], c[kBlock];
    for (ptrdiff_t j = 0; j < w; j += kD) store(s + j, splat(0.0)), store(c + j, splat(0.0));
    ptrdiff_t r = 0;
    for (; r + 4 <= rows; r += 4) {
      const double* q = p + r * rs;
      for (ptrdiff_t j = 0; j < w; j += kD) {
        VD sv = load(s + j), cv = load(c + j);
        for (int i = 0; i < 4; i++) twoSum(sv, cv, loadCols(q + i * rs + j, w - j));
        store(s + j, sv), store(c + j, cv);
      }
    }
    for (; r < rows; r++)
      for (ptrdiff_t j = 0; j < w; j += kD) {
        VD sv = load(s + j), cv = load(c + j);
        twoSum(sv, cv, loadCols(p + r * rs + j, w - j));
        store(s + j, sv), store(c + j, cv);
      }
    double* o = static_cast<double*>(out) + j0;
    for (ptrdiff_t j = 0; j < w; j++) o[j] = __builtin_isfinite(s[j]) ? s[j] + c[j] : s[j];
  });
}

// Column sums of int32 in out, wrapping.
void sumColsI32(const void* x, ptrdiff_t rs, ptrdiff_t rows, ptrdiff_t cols, void* out) {
  const int32_t* p = static_cast<const int32_t*>(x);
  int32_t* o = static_cast<int32_t*>(out);
  for (ptrdiff_t j = 0; j < cols; j++) o[j] = 0;
  ptrdiff_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    const int32_t* q = p + r * rs;
    for (ptrdiff_t j = 0; j < cols; j += kF) {
      const ptrdiff_t w = cols - j;
      const VI a = loadCols(q + j, w) + loadCols(q + rs + j, w), b = loadCols(q + 2 * rs + j, w) + loadCols(q + 3 * rs + j, w);
      storeCols(o + j, loadCols(o + j, w) + (a + b), w);
    }
  }
  for (; r < rows; r++)
    for (ptrdiff_t j = 0; j < cols; j += kF) storeCols(o + j, loadCols(o + j, cols - j) + loadCols(p + r * rs + j, cols - j), cols - j);
}

// Column max/min kept in out, rows in order: a later value replaces the kept one if larger
// (smaller) or NaN, so ties keep the first row and NaN wins.
template <class T, bool Max>
void extremumCols(const void* x, ptrdiff_t rs, ptrdiff_t rows, ptrdiff_t cols, void* out) {
  constexpr int N = Vec<T>::N;
  const T* p = static_cast<const T*>(x);
  T* o = static_cast<T*>(out);
  const auto keep = [](auto m, auto v) { return select((Max ? gt(v, m) : lt(v, m)) | isnan(v), v, m); };
  for (ptrdiff_t j = 0; j < cols; j++) o[j] = p[j];
  ptrdiff_t r = 1;
  for (; r + 4 <= rows; r += 4) {
    const T* q = p + r * rs;
    for (ptrdiff_t j = 0; j < cols; j += N) {
      const ptrdiff_t w = cols - j;
      auto m = loadCols(o + j, w);
      for (int i = 0; i < 4; i++) m = keep(m, loadCols(q + i * rs + j, w));
      storeCols(o + j, m, w);
    }
  }
  for (; r < rows; r++)
    for (ptrdiff_t j = 0; j < cols; j += N) storeCols(o + j, keep(loadCols(o + j, cols - j), loadCols(p + r * rs + j, cols - j)), cols - j);
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
