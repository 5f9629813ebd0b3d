// Vector reductions with the scalar reference's semantics (scalar-reduce.cc):
//   sum    float32: widened to double in 4 accumulators, rounded once; float64: Knuth's TwoSum
//          per lane (s + c is each lane's exact sum), lanes combined with Neumaier's; int32 wraps;
//   max/min/argmax/argmin: one pass for the extremum and a NaN flag, then (only for arg, a zero
//          extremum or a NaN) a second for the first index holding it.
// Column kernels (out[j] = op over rows of x[r][j]) keep strips of column accumulators in registers.
#pragma once
#include <type_traits>

#include "elementwise/simd/common.h"

namespace nabla::ew::NABLA_ISA {

constexpr ptrdiff_t kBlock = 256;  // argmax/argmin columns per pass (accumulators on the stack)

void sumRowF32(const void* x, ptrdiff_t n, void* out) {
  const float* p = static_cast<const float*>(x);
  VD a0 = splat(0.0), a1 = a0, a2 = a0, a3 = a0;
  ptrdiff_t i = 0;
  for (; i + 2 * kF <= n; i += 2 * kF) {
    const VF v = load(p + i), w = load(p + i + kF);
    a0 = a0 + lo(v), a1 = a1 + hi(v), a2 = a2 + lo(w), a3 = a3 + hi(w);
  }
  for (; i < n; i += kF) {
    const VF v = n - i >= kF ? load(p + i) : load_n(p + i, n - i);
    a0 = a0 + lo(v), a1 = a1 + hi(v);
  }
  *static_cast<float*>(out) = float(hsum((a0 + a2) + (a1 + a3)));
}

// s + c += v exactly (TwoSum: e is the rounding error of s + v, whatever their magnitudes).
static inline void twoSum(VD& s, VD& c, VD v) {
  const VD t = s + v, bp = t - s;
  c = c + ((s - (t - bp)) + (v - bp));
  s = t;
}

// Neumaier-combines lane sums s (with compensations c) of `lanes` lanes; s alone if not finite.
static inline double combine(const double* s, const double* c, int lanes) {
  double t = 0, comp = 0;
  for (int i = 0; i < lanes; i++) {
    const double u = t + s[i];
    comp += (__builtin_fabs(t) >= __builtin_fabs(s[i]) ? (t - u) + s[i] : (s[i] - u) + t) + c[i];
    t = u;
  }
  return __builtin_isfinite(t) ? t + comp : t;
}

void sumRowF64(const void* x, ptrdiff_t n, void* out) {
  const double* p = static_cast<const double*>(x);
  VD s0 = splat(0.0), c0 = s0, s1 = s0, c1 = s0;
  ptrdiff_t i = 0;
  for (; i + 2 * kD <= n; i += 2 * kD) twoSum(s0, c0, load(p + i)), twoSum(s1, c1, load(p + i + kD));
  for (; i < n; i += kD) twoSum(s0, c0, n - i >= kD ? load(p + i) : load_n(p + i, n - i));
  alignas(64) double s[2 * kD], c[2 * kD];
  store(s, s0), store(s + kD, s1), store(c, c0), store(c + kD, c1);
  *static_cast<double*>(out) = combine(s, c, 2 * kD);
}

void sumRowI32(const void* x, ptrdiff_t n, void* out) {
  const int32_t* p = static_cast<const int32_t*>(x);
  VI a = splat(int32_t(0)), b = a;
  ptrdiff_t i = 0;
  for (; i + 2 * kF <= n; i += 2 * kF) a = a + load(p + i), b = b + load(p + i + kF);
  for (; i < n; i += kF) a = a + (n - i >= kF ? load(p + i) : load_n(p + i, n - i));
  *static_cast<int32_t*>(out) = hsum(a + b);
}

// The first i with p[i] == v (v is in the row).
template <class T>
ptrdiff_t firstIndex(const T* p, ptrdiff_t n, T v) {
  constexpr int N = Vec<T>::N;
  const auto vv = splat(v);
  ptrdiff_t i = 0;
  for (; i + N <= n; i += N) {
    const unsigned b = bits(eq(load(p + i), vv));
    if (b != 0) return i + __builtin_ctz(b);
  }
  while (i < n && p[i] != v) i++;
  return i;
}

// max/min (Arg: argmax/argmin) of a row, n >= 1.
template <class T, bool Max, bool Arg>
void extremumRow(const void* x, ptrdiff_t n, void* out) {
  using V = typename Vec<T>::V;
  using M = typename Vec<T>::M;
  constexpr int N = Vec<T>::N;
  const T* p = static_cast<const T*>(x);
  V m = splat(p[0]);
  M nan = none<M>();
  ptrdiff_t i = 0;
  for (; i + N <= n; i += N) {
    const V v = load(p + i);
    nan = nan | isnan(v);
    m = Max ? max(m, v) : min(m, v);
  }
  if (i < n) {  // the missing lanes repeat p[0]
    const V v = select(firstLanes(M{}, n - i), load_n(p + i, n - i), splat(p[0]));
    nan = nan | isnan(v);
    m = Max ? max(m, v) : min(m, v);
  }
  ptrdiff_t k = 0;
  if (bits(nan) != 0) {
    while (p[k] == p[k]) k++;  // the first NaN
  } else {
    const T best = Max ? hmax(m) : hmin(m);
    if (!Arg && best != 0) {
      *static_cast<T*>(out) = best;
      return;
    }
    // NOTE: the first element equal to the extremum: this also gives a zero extremum the sign
    // of its first occurrence, as the scalar loop does.
    k = firstIndex(p, n, best);
  }
  if (Arg) *static_cast<int32_t*>(out) = int32_t(k);
  else *static_cast<T*>(out) = p[k];
}

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

template <class T>
void fillOrdered(Kernels& k, DType t) {
  k.reduceRow[kMax][t] = extremumRow<T, true, false>;
  k.reduceRow[kMin][t] = extremumRow<T, false, false>;
  k.reduceRow[kArgmax][t] = extremumRow<T, true, true>;
  k.reduceRow[kArgmin][t] = extremumRow<T, false, true>;
  k.reduceCol[kMax][t] = extremumCols<T, true>;
  k.reduceCol[kMin][t] = extremumCols<T, false>;
  k.reduceCol[kArgmax][t] = argCols<T, true>;
  k.reduceCol[kArgmin][t] = argCols<T, false>;
}

void fillReduce(Kernels& k) {
  k.reduceRow[kSum][F32] = sumRowF32;
  k.reduceRow[kSum][F64] = sumRowF64;
  k.reduceRow[kSum][I32] = sumRowI32;
  k.reduceCol[kSum][F32] = sumColsF32;
  k.reduceCol[kSum][F64] = sumColsF64;
  k.reduceCol[kSum][I32] = sumColsI32;
  fillOrdered<float>(k, F32);
  fillOrdered<double>(k, F64);
  fillOrdered<int32_t>(k, I32);
}

}  // namespace nabla::ew::NABLA_ISA
