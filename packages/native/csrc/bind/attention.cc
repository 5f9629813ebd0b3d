// The JavaScript surface of the fused attention kernels and the GELU and LayerNorm kernels around
// them (src/attention.ts documents each function).
// Raw Node-API callbacks, as bind/recurrent.cc: every array must be a typed array of exactly the
// length its role needs, all float arrays of one dtype, the mask's every element in bounds, and no
// output may overlap another array; anything else throws a TypeError naming the argument.
#include <algorithm>
#include <cmath>

#include "attention/attention.h"
#include "bind/args.h"
#include "bind/register.h"

namespace nabla {
namespace {

using bind::Args;

// B, H, L, S, D, Dv, scale, causal: the first eight arguments of both calls.
attn::Problem problem(Args& a) {
  attn::Problem p{};
  p.B = a.numberDim(0, "B", 1), p.H = a.numberDim(1, "H", 1);
  p.L = a.numberDim(2, "L", 1), p.S = a.numberDim(3, "S", 1);
  p.D = a.numberDim(4, "D", 1), p.Dv = a.numberDim(5, "Dv", 1);
  p.scale = a.number(6, "scale");
  p.causal = a.flag(7, "causal");
  if (a.ok() && !std::isfinite(p.scale)) a.fail("scale must be finite (got %g)", p.scale);
  const double heads = double(p.B) * p.H, big = double(std::max({p.L, p.S})) * std::max(p.D, p.Dv);
  if (a.ok() && heads * big > 9e15) a.fail("sizes too large: B = %d, H = %d, L = %d, S = %d", p.B, p.H, p.L, p.S);
  return p;
}

// mask, offset, sb, sh, sl, ss at i..i+5: null, or a float array every [b, h, l, s] index of
// which lies inside it.
template <class T>
bool mask(Args& a, size_t i, const attn::Problem& p, attn::Mask<T>* m) {
  if (a.isNull(i)) return false;
  size_t length = 0;
  const T* data = a.floats<T>(i, "mask", -1, false, false, &length);
  const double offset = a.numberDim(i + 1, "maskOffset", 0);
  const char* names[] = {"maskStrideB", "maskStrideH", "maskStrideL", "maskStrideS"};
  const int extents[] = {p.B, p.H, p.L, p.S};
  double lo = offset, hi = offset, s[4];
  for (int d = 0; d < 4; ++d) {
    s[d] = a.number(i + 2 + d, names[d]);
    if (a.ok() && std::floor(s[d]) != s[d]) a.fail("%s must be an integer (got %g)", names[d], s[d]);
    (s[d] < 0 ? lo : hi) += s[d] * (extents[d] - 1);
  }
  if (a.ok() && (lo < 0 || hi >= double(length)))
    a.fail("the mask view reaches elements [%.0f, %.0f] of an array of %zu", lo, hi, length);
  if (!a.ok()) return false;
  *m = {data + ptrdiff_t(offset), ptrdiff_t(s[0]), ptrdiff_t(s[1]), ptrdiff_t(s[2]), ptrdiff_t(s[3])};
  return true;
}

// q, k, v and the mask: arguments 8 to 16 of both calls.
template <class T>
struct Inputs {
  const T *q, *k, *v;
  attn::Mask<T> m;
  bool masked;
  const attn::Mask<T>* mask() const { return masked ? &m : nullptr; }
};

template <class T>
Inputs<T> inputs(Args& a, const attn::Problem& p) {
  const ptrdiff_t n = ptrdiff_t(p.B) * p.H;
  Inputs<T> in{};
  in.q = a.floats<T>(8, "q", n * p.L * p.D, false, false);
  in.k = a.floats<T>(9, "k", n * p.S * p.D, false, false);
  in.v = a.floats<T>(10, "v", n * p.S * p.Dv, false, false);
  in.masked = mask<T>(a, 11, p, &in.m);
  return in;
}

template <class T>
void forwardAs(Args& a, const attn::Problem& p) {
  const ptrdiff_t n = ptrdiff_t(p.B) * p.H;
  const Inputs<T> in = inputs<T>(a, p);
  T* out = a.floats<T>(17, "out", n * p.L * p.Dv, false, true);
  T* lse = a.floats<T>(18, "lse", n * p.L, false, true);
  a.checkOverlaps();
  if (a.ok()) attn::forward<T>(p, in.q, in.k, in.v, in.mask(), out, lse);
}

// attentionForward(B, H, L, S, D, Dv, scale, causal, q, k, v, mask, maskOffset, sb, sh, sl, ss, out, lse)
napi_value Forward(napi_env env, napi_callback_info info) {
  Args a(env, info, "attentionForward", 19);
  const attn::Problem p = problem(a);
  if (!a.ok()) return nullptr;
  if (a.setDtype(8, "q")) forwardAs<float>(a, p);
  else if (a.ok()) forwardAs<double>(a, p);
  return nullptr;
}

template <class T>
void backwardAs(Args& a, const attn::Problem& p) {
  const ptrdiff_t n = ptrdiff_t(p.B) * p.H;
  const Inputs<T> in = inputs<T>(a, p);
  const T* out = a.floats<T>(17, "out", n * p.L * p.Dv, false, false);
  const T* lse = a.floats<T>(18, "lse", n * p.L, false, false);
  const T* dout = a.floats<T>(19, "dout", n * p.L * p.Dv, false, false);
  T* dq = a.floats<T>(20, "dq", n * p.L * p.D, false, true);
  T* dk = a.floats<T>(21, "dk", n * p.S * p.D, false, true);
  T* dv = a.floats<T>(22, "dv", n * p.S * p.Dv, false, true);
  a.checkOverlaps();
  if (a.ok()) attn::backward<T>(p, in.q, in.k, in.v, in.mask(), out, lse, dout, dq, dk, dv);
}

// attentionBackward(B, H, L, S, D, Dv, scale, causal, q, k, v, mask, maskOffset, sb, sh, sl, ss,
//                   out, lse, dout, dq, dk, dv)
napi_value Backward(napi_env env, napi_callback_info info) {
  Args a(env, info, "attentionBackward", 23);
  const attn::Problem p = problem(a);
  if (!a.ok()) return nullptr;
  if (a.setDtype(8, "q")) backwardAs<float>(a, p);
  else if (a.ok()) backwardAs<double>(a, p);
  return nullptr;
}

// transformerGelu(tanhForm, x, y, dy)
napi_value Gelu(napi_env env, napi_callback_info info) {
  Args a(env, info, "transformerGelu", 4);
  const bool tanhForm = a.flag(0, "tanhForm");
  if (!a.ok()) return nullptr;
  auto run = [&](auto zero) {
    using T = decltype(zero);
    size_t n = 0;
    const T* x = a.floats<T>(1, "x", -1, false, false, &n);
    T* y = a.floats<T>(2, "y", ptrdiff_t(n), false, true);
    T* dy = a.floats<T>(3, "dy", ptrdiff_t(n), false, true);
    a.checkOverlaps();
    if (a.ok()) attn::gelu<T>(tanhForm, x, y, dy, ptrdiff_t(n));
  };
  if (a.setDtype(1, "x")) run(0.0f);
  else if (a.ok()) run(0.0);
  return nullptr;
}

// The rows of x [rows, n] for a LayerNorm call: n at argument 0, x at `xi`.
template <class T>
const T* rowsOf(Args& a, size_t xi, int n, int* rows) {
  size_t length = 0;
  const T* x = a.floats<T>(xi, "x", -1, false, false, &length);
  if (a.ok() && length % size_t(n) != 0) a.fail("x has %zu elements, not a multiple of n = %d", length, n);
  if (a.ok() && length / n > 2147483647u) a.fail("x has too many rows (%zu)", length / n);
  *rows = int(length / n);
  return x;
}

// transformerLayerNorm(n, eps, x, w, b, y, mean, rstd)
napi_value LayerNorm(napi_env env, napi_callback_info info) {
  Args a(env, info, "transformerLayerNorm", 8);
  const int n = a.numberDim(0, "n", 1);
  const double eps = a.number(1, "eps");
  if (a.ok() && !(eps >= 0 && std::isfinite(eps))) a.fail("eps must be a finite number >= 0 (got %g)", eps);
  if (!a.ok()) return nullptr;
  auto run = [&](auto zero) {
    using T = decltype(zero);
    int rows = 0;
    const T* x = rowsOf<T>(a, 2, n, &rows);
    const T* w = a.isNull(3) ? nullptr : a.floats<T>(3, "w", n, false, false);
    const T* b = a.isNull(4) ? nullptr : a.floats<T>(4, "b", n, false, false);
    T* y = a.floats<T>(5, "y", ptrdiff_t(rows) * n, false, true);
    T* mean = a.floats<T>(6, "mean", rows, false, true);
    T* rstd = a.floats<T>(7, "rstd", rows, false, true);
    a.checkOverlaps();
    if (a.ok()) attn::layerNorm<T>(rows, n, T(eps), x, w, b, y, mean, rstd);
  };
  if (a.setDtype(2, "x")) run(0.0f);
  else if (a.ok()) run(0.0);
  return nullptr;
}

// transformerLayerNormBackward(n, x, w, mean, rstd, g, dx, dw, db)
napi_value LayerNormBackward(napi_env env, napi_callback_info info) {
  Args a(env, info, "transformerLayerNormBackward", 9);
  const int n = a.numberDim(0, "n", 1);
  if (!a.ok()) return nullptr;
  auto run = [&](auto zero) {
    using T = decltype(zero);
    int rows = 0;
    const T* x = rowsOf<T>(a, 1, n, &rows);
    const T* w = a.isNull(2) ? nullptr : a.floats<T>(2, "w", n, false, false);
    const T* mean = a.floats<T>(3, "mean", rows, false, false);
    const T* rstd = a.floats<T>(4, "rstd", rows, false, false);
    const T* g = a.floats<T>(5, "g", ptrdiff_t(rows) * n, false, false);
    T* dx = a.floats<T>(6, "dx", ptrdiff_t(rows) * n, false, true);
    T* dw = a.isNull(7) ? nullptr : a.floats<T>(7, "dw", n, false, true);
    T* db = a.isNull(8) ? nullptr : a.floats<T>(8, "db", n, false, true);
    a.checkOverlaps();
    if (a.ok()) attn::layerNormBackward<T>(rows, n, x, w, mean, rstd, g, dx, dw, db);
  };
  if (a.setDtype(1, "x")) run(0.0f);
  else if (a.ok()) run(0.0);
  return nullptr;
}

napi_value Isa(napi_env env, napi_callback_info) {
  napi_value s;
  napi_create_string_utf8(env, attn::attentionIsa(), NAPI_AUTO_LENGTH, &s);
  return s;
}

}  // namespace

void registerAttention(Napi::Env env, Napi::Object exports) {
  bind::exportAll(env, exports,
                  {{"attentionForward", Forward},
                   {"attentionBackward", Backward},
                   {"attentionIsa", Isa},
                   {"transformerGelu", Gelu},
                   {"transformerLayerNorm", LayerNorm},
                   {"transformerLayerNormBackward", LayerNormBackward}});
}

}  // namespace nabla
