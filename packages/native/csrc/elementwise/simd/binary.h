// Vector binary kernels and where. Each operand is contiguous (stride 1) or broadcast (stride 0,
// loaded once as a splat); the loop is instantiated for the four combinations. pow stays with
// the scalar kernels (the C library in double, with JavaScript's special cases).
#pragma once
#include "elementwise/simd/common.h"

namespace nabla::ew::NABLA_ISA {

// out[i] = F(a[i*sa], b[i*sb]) for SA = (sa == 1), SB = (sb == 1); R is T, or int32 for masks.
template <class T, class F, bool SA, bool SB>
void binaryLoop(const T* a, const T* b, void* out, ptrdiff_t n) {
  constexpr int N = Vec<T>::N;
  const auto av = splat(a[0]), bv = splat(b[0]);
  ptrdiff_t i = 0;
  for (; i + N <= n; i += N) F::put(out, i, F::f(SA ? load(a + i) : av, SB ? load(b + i) : bv));
  if (i < n) {
    const ptrdiff_t m = n - i;
    F::put_n(out, i, F::f(SA ? load_n(a + i, m) : av, SB ? load_n(b + i, m) : bv), m);
  }
}

template <class T, class F>
void binaryRow(const void* a, ptrdiff_t sa, const void* b, ptrdiff_t sb, void* out, ptrdiff_t n) {
  const T* x = static_cast<const T*>(a);
  const T* y = static_cast<const T*>(b);
  if (n == 0) return;
  if (sa && sb) binaryLoop<T, F, true, true>(x, y, out, n);
  else if (sa) binaryLoop<T, F, true, false>(x, y, out, n);
  else if (sb) binaryLoop<T, F, false, true>(x, y, out, n);
  else binaryLoop<T, F, false, false>(x, y, out, n);
}

// Arithmetic ops write their own type; comparisons write int32 0/1 from the mask.
template <class Op>
struct Arith {
  template <class V> static V f(V x, V y) { return Op::f(x, y); }
  static void put(void* o, ptrdiff_t i, VF v) { store(static_cast<float*>(o) + i, v); }
  static void put(void* o, ptrdiff_t i, VD v) { store(static_cast<double*>(o) + i, v); }
  static void put(void* o, ptrdiff_t i, VI v) { store(static_cast<int32_t*>(o) + i, v); }
  static void put_n(void* o, ptrdiff_t i, VF v, ptrdiff_t m) { store_n(static_cast<float*>(o) + i, v, m); }
  static void put_n(void* o, ptrdiff_t i, VD v, ptrdiff_t m) { store_n(static_cast<double*>(o) + i, v, m); }
  static void put_n(void* o, ptrdiff_t i, VI v, ptrdiff_t m) { store_n(static_cast<int32_t*>(o) + i, v, m); }
};
template <class Op>
struct Compare {
  template <class V> static auto f(V x, V y) { return Op::f(x, y); }
  template <class M> static void put(void* o, ptrdiff_t i, M m) { store01(static_cast<int32_t*>(o) + i, m); }
  template <class M> static void put_n(void* o, ptrdiff_t i, M m, ptrdiff_t n) {
    store01_n(static_cast<int32_t*>(o) + i, m, n);
  }
};

struct Add { template <class V> static V f(V x, V y) { return x + y; } };
struct Sub { template <class V> static V f(V x, V y) { return x - y; } };
struct Mul { template <class V> static V f(V x, V y) { return x * y; } };
struct Div { template <class V> static V f(V x, V y) { return x / y; } };
// maximum/minimum: x86's max(x, y) is x > y ? x : y (y when y is NaN); x NaN is kept explicitly.
struct Maximum {
  template <class V> static V f(V x, V y) { return select(isnan(x), x, max(x, y)); }
  static VI f(VI x, VI y) { return max(x, y); }
};
struct Minimum {
  template <class V> static V f(V x, V y) { return select(isnan(x), x, min(x, y)); }
  static VI f(VI x, VI y) { return min(x, y); }
};
struct Eq { template <class V> static auto f(V x, V y) { return eq(x, y); } };
struct Ne { template <class V> static auto f(V x, V y) { return ne(x, y); } };
struct Gt { template <class V> static auto f(V x, V y) { return gt(x, y); } };
struct Ge { template <class V> static auto f(V x, V y) { return ge(x, y); } };
struct Lt { template <class V> static auto f(V x, V y) { return lt(x, y); } };
struct Le { template <class V> static auto f(V x, V y) { return le(x, y); } };

// where: out = c != 0 ? a : b, plain loops per (condition, value) type pair that the compiler
// vectorises for this instruction set (the conversions between lane widths included); a
// contiguous condition with each value contiguous or broadcast (where(x <= 0, 0, g)) gets its
// own loop, other strides the general one.
template <class C, class T, bool SA, bool SB>
void whereLoop(const C* c, const T* a, const T* b, T* o, ptrdiff_t n) {
  const T a0 = a[0], b0 = b[0];
  for (ptrdiff_t i = 0; i < n; i++) o[i] = c[i] != 0 ? (SA ? a[i] : a0) : (SB ? b[i] : b0);
}

template <class C, class T>
void whereRow(const void* c, ptrdiff_t sc, const void* a, ptrdiff_t sa, const void* b, ptrdiff_t sb,
              void* out, ptrdiff_t n) {
  const C* cp = static_cast<const C*>(c);
  const T* ap = static_cast<const T*>(a);
  const T* bp = static_cast<const T*>(b);
  T* o = static_cast<T*>(out);
  if (n == 0) return;
  if (sc == 1 && sa == 1 && sb == 1) whereLoop<C, T, true, true>(cp, ap, bp, o, n);
  else if (sc == 1 && sa == 1 && sb == 0) whereLoop<C, T, true, false>(cp, ap, bp, o, n);
  else if (sc == 1 && sa == 0 && sb == 1) whereLoop<C, T, false, true>(cp, ap, bp, o, n);
  else
    for (ptrdiff_t i = 0; i < n; i++) o[i] = cp[i * sc] != 0 ? ap[i * sa] : bp[i * sb];
}

template <class T>
void fillTyped(Kernels& k, DType t) {
  k.binary[kAdd][t] = binaryRow<T, Arith<Add>>;
  k.binary[kSub][t] = binaryRow<T, Arith<Sub>>;
  k.binary[kMul][t] = binaryRow<T, Arith<Mul>>;
  k.binary[kMaximum][t] = binaryRow<T, Arith<Maximum>>;
  k.binary[kMinimum][t] = binaryRow<T, Arith<Minimum>>;
  k.binary[kEq][t] = binaryRow<T, Compare<Eq>>;
  k.binary[kNe][t] = binaryRow<T, Compare<Ne>>;
  k.binary[kGt][t] = binaryRow<T, Compare<Gt>>;
  k.binary[kGe][t] = binaryRow<T, Compare<Ge>>;
  k.binary[kLt][t] = binaryRow<T, Compare<Lt>>;
  k.binary[kLe][t] = binaryRow<T, Compare<Le>>;
  k.where[F32][t] = whereRow<float, T>;
  k.where[F64][t] = whereRow<double, T>;
  k.where[I32][t] = whereRow<int32_t, T>;
}

void fillBinary(Kernels& k) {
  fillTyped<float>(k, F32);
  fillTyped<double>(k, F64);
  fillTyped<int32_t>(k, I32);
  k.binary[kDiv][F32] = binaryRow<float, Arith<Div>>;
  k.binary[kDiv][F64] = binaryRow<double, Arith<Div>>;
}

}  // namespace nabla::ew::NABLA_ISA
