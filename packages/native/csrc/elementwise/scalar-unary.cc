// The scalar reference of the unary kernels: one plain loop per op and dtype. float32 math runs
// in double and rounds once (as the JS backend's Math.* on Float32Array), so these results are
// the correctly rounded ones the vector kernels are checked against. int32 wraps (two's complement).
#include <cmath>

#include "elementwise/kernels.h"

namespace nabla::ew {
namespace {

template <class T, T (*F)(T)>
void row(const void* x, void* out, ptrdiff_t n) {
  const T* xp = static_cast<const T*>(x);
  T* o = static_cast<T*>(out);
  for (ptrdiff_t i = 0; i < n; i++) o[i] = F(xp[i]);
}

// sigmoid(v) = 1 / (1 + e^-v); for v < 0 as e^v / (1 + e^v) so e^-v never overflows.
double sigmoid(double v) {
  if (v >= 0) return 1 / (1 + std::exp(-v));
  const double e = std::exp(v);
  return e / (1 + e);
}

template <class T> T neg(T v) { return -v; }
template <class T> T relu(T v) { return v <= 0 ? T(0) : v; }  // NaN <= 0 is false: NaN stays
template <class T> T abs_(T v) { return std::fabs(v); }
template <class T> T square(T v) { return v * v; }
template <class T> T sign(T v) { return v > 0 ? T(1) : v < 0 ? T(-1) : v; }  // keeps +-0 and NaN
template <class T> T sqrt_(T v) { return std::sqrt(v); }
template <class T> T exp_(T v) { return T(std::exp(double(v))); }
template <class T> T log_(T v) { return T(std::log(double(v))); }
template <class T> T sin_(T v) { return T(std::sin(double(v))); }
template <class T> T cos_(T v) { return T(std::cos(double(v))); }
template <class T> T tanh_(T v) { return T(std::tanh(double(v))); }
template <class T> T sigmoid_(T v) { return T(sigmoid(double(v))); }

int32_t negI(int32_t v) { return int32_t(0u - uint32_t(v)); }
int32_t absI(int32_t v) { return v < 0 ? negI(v) : v; }
int32_t squareI(int32_t v) { return int32_t(uint32_t(v) * uint32_t(v)); }
int32_t signI(int32_t v) { return (v > 0) - (v < 0); }
int32_t reluI(int32_t v) { return v < 0 ? 0 : v; }

template <class T>
void fillFloat(Kernels& k, DType t) {
  k.unary[kNeg][t] = row<T, neg<T>>;
  k.unary[kExp][t] = row<T, exp_<T>>;
  k.unary[kLog][t] = row<T, log_<T>>;
  k.unary[kSin][t] = row<T, sin_<T>>;
  k.unary[kCos][t] = row<T, cos_<T>>;
  k.unary[kTanh][t] = row<T, tanh_<T>>;
  k.unary[kSigmoid][t] = row<T, sigmoid_<T>>;
  k.unary[kRelu][t] = row<T, relu<T>>;
  k.unary[kSqrt][t] = row<T, sqrt_<T>>;
  k.unary[kAbs][t] = row<T, abs_<T>>;
  k.unary[kSquare][t] = row<T, square<T>>;
  k.unary[kSign][t] = row<T, sign<T>>;
}

}  // namespace

void fillScalarUnary(Kernels& k) {
  fillFloat<float>(k, F32);
  fillFloat<double>(k, F64);
  k.unary[kNeg][I32] = row<int32_t, negI>;
  k.unary[kAbs][I32] = row<int32_t, absI>;
  k.unary[kSquare][I32] = row<int32_t, squareI>;
  k.unary[kSign][I32] = row<int32_t, signI>;
  k.unary[kRelu][I32] = row<int32_t, reluI>;
}

}  // namespace nabla::ew
