// The scalar reference of the binary kernels and of where. float32 arithmetic rounds once
// (the JS backend computes in double and stores to a Float32Array: the same value for + - * /);
// pow runs in double. Comparisons write int32 0/1; int32 arithmetic wraps (two's complement).
#include <cmath>

#include "elementwise/kernels.h"

namespace nabla::ew {
namespace {

template <class T, class R, R (*F)(T, T)>
void row(const void* a, ptrdiff_t sa, const void* b, ptrdiff_t sb, void* out, ptrdiff_t n) {
  const T* ap = static_cast<const T*>(a);
  const T* bp = static_cast<const T*>(b);
  R* o = static_cast<R*>(out);
  for (ptrdiff_t i = 0; i < n; i++) o[i] = F(ap[i * sa], bp[i * sb]);
}

// a ** b with JavaScript's special cases: a NaN exponent gives NaN, and so does (+-1) ** +-Infinity
// (C's pow gives 1 for both).
double powJs(double a, double b) {
  if (std::isnan(b) || (std::isinf(b) && std::fabs(a) == 1)) return NAN;
  return std::pow(a, b);
}

template <class T> T add(T x, T y) { return x + y; }
template <class T> T sub(T x, T y) { return x - y; }
template <class T> T mul(T x, T y) { return x * y; }
template <class T> T div(T x, T y) { return x / y; }
template <class T> T pow_(T x, T y) { return T(powJs(double(x), double(y))); }

// pow, with the exponents whose result is one correctly rounded operation taken as that
// operation when the exponent is a broadcast scalar (x ** 2 is x * x, x ** -1 is 1 / x).
template <class T>
void powRow(const void* a, ptrdiff_t sa, const void* b, ptrdiff_t sb, void* out, ptrdiff_t n) {
  const T* x = static_cast<const T*>(a);
  const T y = *static_cast<const T*>(b);
  T* o = static_cast<T*>(out);
  if (sb != 0 || !(y == 2 || y == 1 || y == -1 || y == 0)) return row<T, T, pow_<T>>(a, sa, b, sb, out, n);
  if (y == 2) for (ptrdiff_t i = 0; i < n; i++) o[i] = x[i * sa] * x[i * sa];
  else if (y == 1) for (ptrdiff_t i = 0; i < n; i++) o[i] = x[i * sa];
  else if (y == -1) for (ptrdiff_t i = 0; i < n; i++) o[i] = T(1) / x[i * sa];
  else for (ptrdiff_t i = 0; i < n; i++) o[i] = T(1);  // x ** 0 is 1, NaN included
}
// maximum/minimum: a NaN on either side propagates (x NaN: x; y NaN: the comparison fails, y).
template <class T> T maximum(T x, T y) { return x > y || x != x ? x : y; }
template <class T> T minimum(T x, T y) { return x < y || x != x ? x : y; }
template <class T> int32_t eq(T x, T y) { return x == y; }
template <class T> int32_t ne(T x, T y) { return x != y; }
template <class T> int32_t gt(T x, T y) { return x > y; }
template <class T> int32_t ge(T x, T y) { return x >= y; }
template <class T> int32_t lt(T x, T y) { return x < y; }
template <class T> int32_t le(T x, T y) { return x <= y; }

int32_t addI(int32_t x, int32_t y) { return int32_t(uint32_t(x) + uint32_t(y)); }
int32_t subI(int32_t x, int32_t y) { return int32_t(uint32_t(x) - uint32_t(y)); }
int32_t mulI(int32_t x, int32_t y) { return int32_t(uint32_t(x) * uint32_t(y)); }

template <class T>
void fillCompare(Kernels& k, DType t) {
  k.binary[kEq][t] = row<T, int32_t, eq<T>>;
  k.binary[kNe][t] = row<T, int32_t, ne<T>>;
  k.binary[kGt][t] = row<T, int32_t, gt<T>>;
  k.binary[kGe][t] = row<T, int32_t, ge<T>>;
  k.binary[kLt][t] = row<T, int32_t, lt<T>>;
  k.binary[kLe][t] = row<T, int32_t, le<T>>;
  k.binary[kMaximum][t] = row<T, T, maximum<T>>;
  k.binary[kMinimum][t] = row<T, T, minimum<T>>;
}

template <class T>
void fillFloat(Kernels& k, DType t) {
  k.binary[kAdd][t] = row<T, T, add<T>>;
  k.binary[kSub][t] = row<T, T, sub<T>>;
  k.binary[kMul][t] = row<T, T, mul<T>>;
  k.binary[kDiv][t] = row<T, T, div<T>>;
  k.binary[kPow][t] = powRow<T>;
  fillCompare<T>(k, t);
}

// out = c != 0 ? a : b (a NaN condition is nonzero, -0 is zero).
template <class C, class T>
void whereRow(const void* c, ptrdiff_t sc, const void* a, ptrdiff_t sa, const void* b, ptrdiff_t sb,
              void* out, ptrdiff_t n) {
  const C* cp = static_cast<const C*>(c);
  const T* ap = static_cast<const T*>(a);
  const T* bp = static_cast<const T*>(b);
  T* o = static_cast<T*>(out);
  for (ptrdiff_t i = 0; i < n; i++) o[i] = cp[i * sc] != 0 ? ap[i * sa] : bp[i * sb];
}

template <class C>
void fillWhere(Kernels& k, DType c) {
  k.where[c][F32] = whereRow<C, float>;
  k.where[c][F64] = whereRow<C, double>;
  k.where[c][I32] = whereRow<C, int32_t>;
}

}  // namespace

void fillScalarBinary(Kernels& k) {
  fillFloat<float>(k, F32);
  fillFloat<double>(k, F64);
  k.binary[kAdd][I32] = row<int32_t, int32_t, addI>;
  k.binary[kSub][I32] = row<int32_t, int32_t, subI>;
  k.binary[kMul][I32] = row<int32_t, int32_t, mulI>;
  fillCompare<int32_t>(k, I32);
  fillWhere<float>(k, F32);
  fillWhere<double>(k, F64);
  fillWhere<int32_t>(k, I32);
}

}  // namespace nabla::ew
