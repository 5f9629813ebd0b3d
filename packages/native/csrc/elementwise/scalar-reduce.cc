// The scalar reference of the reductions, with the JS backend's semantics: float32 sums add in
// double and round once; float64 sums are Neumaier-compensated; int32 sums wrap. max/min keep the
// first of equal values and return NaN if any element is NaN; argmax/argmin give the first index
// of the extremum, or of the first NaN.
#include <cmath>

#include "elementwise/kernels.h"

namespace nabla::ew {
namespace {

constexpr ptrdiff_t kBlock = 512;  // columns per pass of a column reduction (stack accumulators)

// Neumaier's compensated step: s + c tracks the exact sum of what was added.
inline void neumaier(double& s, double& c, double v) {
  const double t = s + v;
  c += std::fabs(s) >= std::fabs(v) ? (s - t) + v : (v - t) + s;
  s = t;
}

// An infinite sum makes the compensation NaN (inf - inf); the sum itself is then the answer.
inline double finish(double s, double c) { return std::isfinite(s) ? s + c : s; }

template <class T>
void sumRow(const void* x, ptrdiff_t n, void* out) {
  const T* p = static_cast<const T*>(x);
  double s = 0;
  for (ptrdiff_t i = 0; i < n; i++) s += p[i];
  *static_cast<T*>(out) = T(s);
}

void sumRowF64(const void* x, ptrdiff_t n, void* out) {
  const double* p = static_cast<const double*>(x);
  double s = 0, c = 0;
  for (ptrdiff_t i = 0; i < n; i++) neumaier(s, c, p[i]);
  *static_cast<double*>(out) = finish(s, c);
}

void sumRowI32(const void* x, ptrdiff_t n, void* out) {
  const int32_t* p = static_cast<const int32_t*>(x);
  uint32_t s = 0;
  for (ptrdiff_t i = 0; i < n; i++) s += uint32_t(p[i]);
  *static_cast<int32_t*>(out) = int32_t(s);
}

// The first index of the maximum (Max) or minimum, or of the first NaN.
template <class T, bool Max>
ptrdiff_t argRow(const T* p, ptrdiff_t n) {
  T m = p[0];
  if (m != m) return 0;
  ptrdiff_t k = 0;
  for (ptrdiff_t i = 1; i < n; i++) {
    const T v = p[i];
    if (Max ? v > m : v < m) {
      m = v;
      k = i;
    } else if (v != v) {
      return i;
    }
  }
  return k;
}

template <class T, bool Max>
void extremumRow(const void* x, ptrdiff_t n, void* out) {
  const T* p = static_cast<const T*>(x);
  *static_cast<T*>(out) = p[argRow<T, Max>(p, n)];
}

template <class T, bool Max>
void argRowKernel(const void* x, ptrdiff_t n, void* out) {
  *static_cast<int32_t*>(out) = int32_t(argRow<T, Max>(static_cast<const T*>(x), n));
}

// Column sums: double accumulators (float32, int32 wrapping aside) or Neumaier pairs (float64).
template <class T>
void sumCols(const void* x, ptrdiff_t rs, ptrdiff_t rows, ptrdiff_t cols, void* out) {
  const T* p = static_cast<const T*>(x);
  T* o = static_cast<T*>(out);
  for (ptrdiff_t j0 = 0; j0 < cols; j0 += kBlock) {
    const ptrdiff_t w = cols - j0 < kBlock ? cols - j0 : kBlock;
    double s[kBlock], c[kBlock];
    for (ptrdiff_t j = 0; j < w; j++) s[j] = c[j] = 0;
    for (ptrdiff_t r = 0; r < rows; r++) {
      const T* row = p + r * rs + j0;
      if constexpr (sizeof(T) == 8)
        for (ptrdiff_t j = 0; j < w; j++) neumaier(s[j], c[j], row[j]);
      else
        for (ptrdiff_t j = 0; j < w; j++) s[j] += row[j];
    }
    for (ptrdiff_t j = 0; j < w; j++) o[j0 + j] = T(sizeof(T) == 8 ? finish(s[j], c[j]) : s[j]);
  }
}

void sumColsI32(const void* x, ptrdiff_t rs, ptrdiff_t rows, ptrdiff_t cols, void* out) {
  const int32_t* p = static_cast<const int32_t*>(x);
  int32_t* o = static_cast<int32_t*>(out);
  for (ptrdiff_t j = 0; j < cols; j++) o[j] = 0;
  for (ptrdiff_t r = 0; r < rows; r++)
    for (ptrdiff_t j = 0; j < cols; j++) o[j] = int32_t(uint32_t(o[j]) + uint32_t(p[r * rs + j]));
}

// Column max/min in `out` itself: a later value replaces the kept one only if it is larger
// (smaller) or NaN, so ties keep the first row and NaN wins.
template <class T, bool Max>
void extremumCols(const void* x, ptrdiff_t rs, ptrdiff_t rows, ptrdiff_t cols, void* out) {
  const T* p = static_cast<const T*>(x);
  T* o = static_cast<T*>(out);
  for (ptrdiff_t j = 0; j < cols; j++) o[j] = p[j];
  for (ptrdiff_t r = 1; r < rows; r++)
    for (ptrdiff_t j = 0; j < cols; j++) {
      const T v = p[r * rs + j];
      if ((Max ? v > o[j] : v < o[j]) || v != v) o[j] = v;
    }
}

// Column argmax/argmin: the row of the first extremum, or of the first NaN (then it sticks).
template <class T, bool Max>
void argCols(const void* x, ptrdiff_t rs, ptrdiff_t rows, ptrdiff_t cols, void* out) {
  const T* p = static_cast<const T*>(x);
  int32_t* o = static_cast<int32_t*>(out);
  for (ptrdiff_t j0 = 0; j0 < cols; j0 += kBlock) {
    const ptrdiff_t w = cols - j0 < kBlock ? cols - j0 : kBlock;
    T m[kBlock];
    for (ptrdiff_t j = 0; j < w; j++) m[j] = p[j0 + j], o[j0 + j] = 0;
    for (ptrdiff_t r = 1; r < rows; r++)
      for (ptrdiff_t j = 0; j < w; j++) {
        const T v = p[r * rs + j0 + j];
        if ((Max ? v > m[j] : v < m[j]) || (v != v && m[j] == m[j])) m[j] = v, o[j0 + j] = int32_t(r);
      }
  }
}

template <class T>
void fillOrdered(Kernels& k, DType t) {
  k.reduceRow[kMax][t] = extremumRow<T, true>;
  k.reduceRow[kMin][t] = extremumRow<T, false>;
  k.reduceRow[kArgmax][t] = argRowKernel<T, true>;
  k.reduceRow[kArgmin][t] = argRowKernel<T, false>;
  k.reduceCol[kMax][t] = extremumCols<T, true>;
  k.reduceCol[kMin][t] = extremumCols<T, false>;
  k.reduceCol[kArgmax][t] = argCols<T, true>;
  k.reduceCol[kArgmin][t] = argCols<T, false>;
}

}  // namespace

void fillScalarReduce(Kernels& k) {
  k.reduceRow[kSum][F32] = sumRow<float>;
  k.reduceRow[kSum][F64] = sumRowF64;
  k.reduceRow[kSum][I32] = sumRowI32;
  k.reduceCol[kSum][F32] = sumCols<float>;
  k.reduceCol[kSum][F64] = sumCols<double>;
  k.reduceCol[kSum][I32] = sumColsI32;
  fillOrdered<float>(k, F32);
  fillOrdered<double>(k, F64);
  fillOrdered<int32_t>(k, I32);
}

}  // namespace nabla::ew
