// The JavaScript surface of the fused recurrent kernels (src/recurrent.ts documents each function).
// Raw Node-API callbacks, as bind/gemm.cc. Every array must be a typed array of exactly the
// length its role needs, all float arrays of one dtype, and no output may overlap another array:
// anything else throws a TypeError naming the argument before a single element is touched.
#include <cstring>

#include "bind/args.h"
#include "bind/register.h"
#include "recurrent/recurrent.h"

namespace nabla {
namespace {

using rec::Kind;

using bind::Args;

Kind kind(Args& a, size_t i) {
  char s[16] = "";
  size_t len = 0;
  if (a.ok() && napi_get_value_string_utf8(a.env(), a[i], s, sizeof s, &len) == napi_ok) {
    const char* names[] = {"LSTM", "GRU", "RNN_TANH", "RNN_RELU"};
    for (int k = 0; k < 4; ++k)
      if (std::strcmp(s, names[k]) == 0) return static_cast<Kind>(k);
  }
  a.fail("kind must be \"LSTM\", \"GRU\", \"RNN_TANH\" or \"RNN_RELU\"");
  return Kind::Lstm;
}

// lengths: null, or an Int32Array of B values in [0, T].
const int32_t* lengths(Args& a, size_t i, int T, int B) {
  if (!a.ok() || a.isNull(i)) return nullptr;
  size_t length = 0;
  void* data = a.typed(i, "lengths", napi_int32_array, "an Int32Array", &length);
  if (!a.ok()) return nullptr;
  if (length != size_t(B)) return a.fail("lengths must have B = %d elements (got %zu)", B, length), nullptr;
  const int32_t* l = static_cast<const int32_t*>(data);
  for (int b = 0; b < B; ++b)
    if (l[b] < 0 || l[b] > T) return a.fail("lengths[%d] must be in [0, T = %d] (got %d)", b, T, l[b]), nullptr;
  return l;
}

// kind, T, B, I, H, reverse, lengths: the first seven arguments of forward and backward.
struct Sizes {
  rec::Shape shape;
  int G;
  size_t steps, bh, saved;  // T B H, B H, the saved length
};

bool sizes(Args& a, Sizes* s) {
  rec::Shape& S = s->shape;
  S.kind = kind(a, 0);
  S.T = a.dim(1, "T", 0), S.B = a.dim(2, "B", 1), S.I = a.dim(3, "I", 0), S.H = a.dim(4, "H", 1);
  S.reverse = a.flag(5, "reverse");
  if (!a.ok()) return false;
  s->G = rec::gatesOf(S.kind);
  // The kernels index with int: every product of sizes they form must fit.
  const double limit = 2147483647.0, T = S.T, B = S.B, I = S.I, GH = double(s->G) * S.H;
  if (T * B > limit || B * GH > limit || B * I > limit || GH * S.H > limit || GH * I > limit ||
      T * B * I > 9e15)
    return a.fail("sizes too large: T = %d, B = %d, I = %d, H = %d", S.T, S.B, S.I, S.H), false;
  S.lengths = lengths(a, 6, S.T, S.B);
  s->bh = size_t(S.B) * S.H;
  s->steps = size_t(S.T) * s->bh;
  s->saved = rec::savedLayout(S.kind, S.T, S.B, S.H).total;
  return a.ok();
}

template <class T>
void forwardAs(Args& a, const Sizes& s) {
  const rec::Shape& S = s.shape;
  const bool lstm = S.kind == Kind::Lstm;
  const size_t GH = size_t(s.G) * S.H;
  rec::Operands<T> op{};
  rec::Outputs<T> out{};
  op.x = a.floats<T>(7, "x", s.steps / S.H * S.I, false, false);
  op.h0 = a.floats<T>(8, "h0", s.bh, false, false);
  if (lstm) op.c0 = a.floats<T>(9, "c0", s.bh, false, false);
  else a.none(9, "c0", "unless kind is LSTM");
  op.wih = a.floats<T>(10, "wih", GH * S.I, false, false);
  op.whh = a.floats<T>(11, "whh", GH * S.H, false, false);
  op.bih = a.floats<T>(12, "bih", GH, true, false);
  op.bhh = a.floats<T>(13, "bhh", GH, true, false);
  out.y = a.floats<T>(14, "y", s.steps, false, true);
  out.hn = a.floats<T>(15, "hn", s.bh, false, true);
  if (lstm) out.cn = a.floats<T>(16, "cn", s.bh, false, true);
  else a.none(16, "cn", "unless kind is LSTM");
  out.saved = a.floats<T>(17, "saved", s.saved, true, true);
  a.checkOverlaps();
  if (a.ok()) rec::forward<T>(S, op, out);
}

// recurrentForward(kind, T, B, I, H, reverse, lengths, x, h0, c0, wih, whh, bih, bhh, y, hn, cn, saved)
napi_value Forward(napi_env env, napi_callback_info info) {
  Args a(env, info, "recurrentForward", 18);
  Sizes s;
  if (!a.ok() || !sizes(a, &s)) return nullptr;
  if (a.setDtype(7, "x")) forwardAs<float>(a, s);
  else if (a.ok()) forwardAs<double>(a, s);
  return nullptr;
}

template <class T>
void backwardAs(Args& a, const Sizes& s) {
  const rec::Shape& S = s.shape;
  const bool lstm = S.kind == Kind::Lstm;
  const size_t GH = size_t(s.G) * S.H, xs = s.steps / S.H * S.I;
  rec::Cotangents<T> d{};
  rec::Grads<T> g{};
  const T* x = a.floats<T>(7, "x", xs, false, false);
  const T* wih = a.floats<T>(8, "wih", GH * S.I, false, false);
  const T* whh = a.floats<T>(9, "whh", GH * S.H, false, false);
  const T* saved = a.floats<T>(10, "saved", s.saved, false, false);
  d.dy = a.floats<T>(11, "dy", s.steps, false, false);
  d.dhn = a.floats<T>(12, "dhn", s.bh, false, false);
  if (lstm) d.dcn = a.floats<T>(13, "dcn", s.bh, false, false);
  else a.none(13, "dcn", "unless kind is LSTM");
  g.x = a.floats<T>(14, "dx", xs, true, true);
  g.h0 = a.floats<T>(15, "dh0", s.bh, true, true);
  if (lstm) g.c0 = a.floats<T>(16, "dc0", s.bh, true, true);
  else a.none(16, "dc0", "unless kind is LSTM");
  g.wih = a.floats<T>(17, "dwih", GH * S.I, true, true);
  g.whh = a.floats<T>(18, "dwhh", GH * S.H, true, true);
  g.bih = a.floats<T>(19, "dbih", GH, true, true);
  g.bhh = a.floats<T>(20, "dbhh", GH, true, true);
  a.checkOverlaps();
  if (a.ok()) rec::backward<T>(S, x, wih, whh, saved, d, g);
}

// recurrentBackward(kind, T, B, I, H, reverse, lengths, x, wih, whh, saved, dy, dhn, dcn,
//                   dx, dh0, dc0, dwih, dwhh, dbih, dbhh)
napi_value Backward(napi_env env, napi_callback_info info) {
  Args a(env, info, "recurrentBackward", 21);
  Sizes s;
  if (!a.ok() || !sizes(a, &s)) return nullptr;
  if (a.setDtype(7, "x")) backwardAs<float>(a, s);
  else if (a.ok()) backwardAs<double>(a, s);
  return nullptr;
}

// recurrentSavedLength(kind, T, B, H)
napi_value SavedLength(napi_env env, napi_callback_info info) {
  Args a(env, info, "recurrentSavedLength", 4);
  if (!a.ok()) return nullptr;
  const Kind k = kind(a, 0);
  const int T = a.dim(1, "T", 0), B = a.dim(2, "B", 1), H = a.dim(3, "H", 1);
  if (!a.ok()) return nullptr;
  napi_value out;
  napi_create_double(env, double(rec::savedLayout(k, T, B, H).total), &out);
  return out;
}

}  // namespace

void registerRecurrent(Napi::Env env, Napi::Object exports) {
  bind::exportAll(env, exports,
                  {{"recurrentForward", Forward},
                   {"recurrentBackward", Backward},
                   {"recurrentSavedLength", SavedLength}});
}

}  // namespace nabla
