// Vector unary kernels: one loop shape (full vectors, then one masked partial vector) per op
// and dtype. float32 transcendentals run in double (simd/math.h) and round once; float64
// transcendentals stay with the scalar kernels (the C library, correctly rounded or within 1 ulp).
#pragma once
#include "elementwise/simd/common.h"
#include "simd/math.h"

namespace nabla::ew::NABLA_ISA {

// out[i] = F(x[i]), F on whole vectors of T.
template <class T, class F>
void unaryRow(const void* x, void* out, ptrdiff_t n) {
  constexpr int N = Vec<T>::N;
  const T* p = static_cast<const T*>(x);
  T* o = static_cast<T*>(out);
  ptrdiff_t i = 0;
  for (; i + N <= n; i += N) store(o + i, F::f(load(p + i)));
  if (i < n) store_n(o + i, F::f(load_n(p + i, n - i)), n - i);
}

struct Neg { template <class V> static V f(V v) { return neg(v); } };
struct Abs { template <class V> static V f(V v) { return abs(v); } };
struct Sqrt { template <class V> static V f(V v) { return sqrt(v); } };
struct Square { template <class V> static V f(V v) { return v * v; } };
// relu: x <= 0 ? 0 : x, so NaN stays NaN and -0 becomes 0.
struct Relu {
  static VF f(VF v) { return select(le(v, splat(0.0f)), splat(0.0f), v); }
  static VD f(VD v) { return select(le(v, splat(0.0)), splat(0.0), v); }
  static VI f(VI v) { return max(v, splat(int32_t(0))); }
};
// sign: 1, -1, or x itself (+-0, NaN).
struct Sign {
  static VF f(VF v) { return select(gt(v, splat(0.0f)), splat(1.0f), select(lt(v, splat(0.0f)), splat(-1.0f), v)); }
  static VD f(VD v) { return select(gt(v, splat(0.0)), splat(1.0), select(lt(v, splat(0.0)), splat(-1.0), v)); }
  static VI f(VI v) {
    const VI zero = splat(int32_t(0));
    return select(gt(v, zero), splat(int32_t(1)), select(lt(v, zero), splat(int32_t(-1)), zero));
  }
};

// A float32 transcendental: each half of the vector widened to double, evaluated, rounded back.
template <VD (*G)(VD)>
struct ViaDouble { static VF f(VF v) { return pack(G(lo(v)), G(hi(v))); } };

void fillUnary(Kernels& k) {
  k.unary[kNeg][F32] = unaryRow<float, Neg>;
  k.unary[kNeg][F64] = unaryRow<double, Neg>;
  k.unary[kNeg][I32] = unaryRow<int32_t, Neg>;
  k.unary[kAbs][F32] = unaryRow<float, Abs>;
  k.unary[kAbs][F64] = unaryRow<double, Abs>;
  k.unary[kAbs][I32] = unaryRow<int32_t, Abs>;
  k.unary[kSquare][F32] = unaryRow<float, Square>;
  k.unary[kSquare][F64] = unaryRow<double, Square>;
  k.unary[kSquare][I32] = unaryRow<int32_t, Square>;
  k.unary[kRelu][F32] = unaryRow<float, Relu>;
  k.unary[kRelu][F64] = unaryRow<double, Relu>;
  k.unary[kRelu][I32] = unaryRow<int32_t, Relu>;
  k.unary[kSign][F32] = unaryRow<float, Sign>;
  k.unary[kSign][F64] = unaryRow<double, Sign>;
  k.unary[kSign][I32] = unaryRow<int32_t, Sign>;
  k.unary[kSqrt][F32] = unaryRow<float, Sqrt>;
  k.unary[kSqrt][F64] = unaryRow<double, Sqrt>;
  k.unary[kExp][F32] = unaryRow<float, ViaDouble<expF>>;
  k.unary[kLog][F32] = unaryRow<float, ViaDouble<logF>>;
  k.unary[kSin][F32] = unaryRow<float, ViaDouble<sinCosF<false>>>;
  k.unary[kCos][F32] = unaryRow<float, ViaDouble<sinCosF<true>>>;
  k.unary[kTanh][F32] = unaryRow<float, ViaDouble<tanhF>>;
  k.unary[kSigmoid][F32] = unaryRow<float, ViaDouble<sigmoidF>>;
}

}  // namespace nabla::ew::NABLA_ISA
