// The JavaScript surface of the GEMM (src/gemm.ts documents each function) and of the thread pool.
// Raw Node-API callbacks: node-addon-api's CallbackInfo allocates for more than 6 arguments, and
// gemm takes 15. Every element a product will touch is checked against its typed array's length
// before any is read, and C may not overlap A or B.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string_view>

#include "bind/args.h"
#include "bind/register.h"
#include "gemm/gemm.h"
#include "pool.h"

namespace nabla {
namespace {

// A float typed array argument: its element type, data and length in elements.
struct Array {
  napi_typedarray_type type;
  void* data;
  size_t length;
};

using bind::fail;
using bind::getBool;
using bind::isUndefined;

bool getArray(napi_env env, const char* fn, const char* name, napi_value v, Array* out) {
  return bind::getFloatArray(env, fn, name, v, &out->type, &out->data, &out->length);
}

// An integer argument in [lo, hi].
bool getInt(napi_env env, const char* fn, const char* name, napi_value v, double lo, double hi,
            int64_t* out) {
  double d = 0;
  if (!bind::getNumber(env, fn, name, v, &d)) return false;
  if (!(d >= lo && d <= hi) || std::floor(d) != d)
    return fail(env, fn, "%s must be an integer in [%.0f, %.0f] (got %.17g)", name, lo, hi, d);
  *out = static_cast<int64_t>(d);
  return true;
}

constexpr double kMaxDim = 2147483647.0;       // m, n, k are ints in the kernels
constexpr double kMaxIndex = 9007199254740991;  // 2^53 - 1

// The elements [lo, hi] that off + i * s0 + j * s1 reaches for i < rows, j < cols (both > 0).
struct Span {
  int64_t lo, hi;
};
Span span(int64_t off, int64_t rows, int64_t s0, int64_t cols, int64_t s1) {
  // In 128 bits: rows < 2^31 times |stride| < 2^53 does not fit in 64.
  const __int128 d0 = __int128(rows - 1) * s0, d1 = __int128(cols - 1) * s1;
  const __int128 lo = off + std::min<__int128>(d0, 0) + std::min<__int128>(d1, 0);
  const __int128 hi = off + std::max<__int128>(d0, 0) + std::max<__int128>(d1, 0);
  constexpr __int128 kFar = __int128(1) << 62;  // past any array: fails the bounds check
  return {static_cast<int64_t>(std::max(lo, -kFar)), static_cast<int64_t>(std::min(hi, kFar))};
}

bool inBounds(napi_env env, const char* fn, const char* name, const Array& a, Span s) {
  if (s.lo >= 0 && s.hi < static_cast<int64_t>(a.length)) return true;
  return fail(env, fn, "%s is read at elements %lld..%lld, outside its length %zu", name,
              static_cast<long long>(s.lo), static_cast<long long>(s.hi), a.length);
}

// Whether the bytes C writes meet the bytes X reads.
bool overlaps(const Array& c, Span cs, const Array& x, Span xs, size_t size) {
  const char* c0 = static_cast<const char*>(c.data) + cs.lo * size;
  const char* c1 = static_cast<const char*>(c.data) + (cs.hi + 1) * size;
  const char* x0 = static_cast<const char*>(x.data) + xs.lo * size;
  const char* x1 = static_cast<const char*>(x.data) + (xs.hi + 1) * size;
  return c0 < x1 && x0 < c1;
}

// A strided operand: the array, its offset and strides.
struct Strided {
  Array array;
  int64_t off, s0, s1;
};

// name is "a" or "b"; the argument names are spelled out so no message is formatted unless it fails.
bool getStrided(napi_env env, const char* fn, const char* name, const napi_value* args, Strided* out) {
  const bool isA = name[0] == 'a';
  const char* offset = isA ? "a offset" : "b offset";
  const char* strides = isA ? "a strides" : "b strides";
  return getArray(env, fn, name, args[0], &out->array) &&
         getInt(env, fn, offset, args[1], 0, kMaxIndex, &out->off) &&
         getInt(env, fn, strides, args[2], -kMaxIndex, kMaxIndex, &out->s0) &&
         getInt(env, fn, strides, args[3], -kMaxIndex, kMaxIndex, &out->s1);
}

const char* typeName(napi_typedarray_type t) {
  return t == napi_float32_array ? "Float32Array" : "Float64Array";
}

bool sameType(napi_env env, const char* fn, const Array& a, const Array& b, const Array& c) {
  if (a.type == b.type && b.type == c.type) return true;
  return fail(env, fn, "a, b and c must have one dtype (got %s, %s, %s)", typeName(a.type), typeName(b.type),
              typeName(c.type));
}

// C's rows must not overlap each other (threads write them at once), nor A or B.
bool checkC(napi_env env, const char* fn, const Array& c, int64_t cOff, int64_t ldc, int64_t m, int64_t n,
            const Strided& a, Span as, const Strided* b, Span bs, Span* cs) {
  if (m > 1 && ldc < n) return fail(env, fn, "ldc must be at least n (got %.17g)", static_cast<double>(ldc));
  *cs = span(cOff, m, ldc, n, 1);
  if (!inBounds(env, fn, "c", c, *cs)) return false;
  const size_t size = c.type == napi_float32_array ? 4 : 8;
  if (as.hi >= as.lo && overlaps(c, *cs, a.array, as, size)) return fail(env, fn, "c overlaps a");
  if (b && bs.hi >= bs.lo && overlaps(c, *cs, b->array, bs, size)) return fail(env, fn, "c overlaps b");
  return true;
}

template <class T>
T* at(const Array& a, int64_t off) {
  return static_cast<T*>(a.data) + off;
}

constexpr Span kEmpty = {0, -1};

// gemm(a, aOff, as0, as1, b, bOff, bs0, bs1, c, cOff, ldc, m, n, k, accumulate)
napi_value Gemm(napi_env env, napi_callback_info info) {
  const char* fn = "gemm";
  size_t argc = 15;
  napi_value args[15];
  napi_get_cb_info(env, info, &argc, args, nullptr, nullptr);
  if (argc < 15) return fail(env, fn, "expected 15 arguments (got %.17g)", static_cast<double>(argc)), nullptr;
  Strided a, b;
  Array c;
  int64_t cOff, ldc, m, n, k;
  bool accumulate;
  if (!getStrided(env, fn, "a", args, &a) || !getStrided(env, fn, "b", args + 4, &b) ||
      !getArray(env, fn, "c", args[8], &c) || !getInt(env, fn, "c offset", args[9], 0, kMaxIndex, &cOff) ||
      !getInt(env, fn, "ldc", args[10], 0, kMaxIndex, &ldc) || !getInt(env, fn, "m", args[11], 0, kMaxDim, &m) ||
      !getInt(env, fn, "n", args[12], 0, kMaxDim, &n) || !getInt(env, fn, "k", args[13], 0, kMaxDim, &k) ||
      !getBool(env, fn, "accumulate", args[14], &accumulate) || !sameType(env, fn, a.array, b.array, c))
    return nullptr;
  if (m == 0 || n == 0) return nullptr;
  Span as = kEmpty, bs = kEmpty, cs;
  if (k > 0) {
    as = span(a.off, m, a.s0, k, a.s1);
    bs = span(b.off, k, b.s0, n, b.s1);
    if (!inBounds(env, fn, "a", a.array, as) || !inBounds(env, fn, "b", b.array, bs)) return nullptr;
  }
  if (!checkC(env, fn, c, cOff, ldc, m, n, a, as, &b, bs, &cs)) return nullptr;
  if (c.type == napi_float32_array)
    gemm<float>(m, n, k, at<float>(a.array, a.off), a.s0, a.s1, at<float>(b.array, b.off), b.s0, b.s1,
                at<float>(c, cOff), ldc, accumulate);
  else
    gemm<double>(m, n, k, at<double>(a.array, a.off), a.s0, a.s1, at<double>(b.array, b.off), b.s0, b.s1,
                 at<double>(c, cOff), ldc, accumulate);
  return nullptr;
}

// What a packB handle holds: one of the two, and its tag for napi_check_object_type_tag.
struct Packed {
  std::unique_ptr<PackedB<float>> f32;
  std::unique_ptr<PackedB<double>> f64;
  size_t bytes() const { return f32 ? f32->bytes() : f64->bytes(); }
};
constexpr napi_type_tag kPackedTag = {0x6e61626c61676d6dULL, 0x7061636b65644231ULL};

void finalizePacked(napi_env env, void* data, void*) {
  auto* p = static_cast<Packed*>(data);
  int64_t ignored;
  napi_adjust_external_memory(env, -static_cast<int64_t>(p->bytes()), &ignored);
  delete p;
}

// packB(b, bOff, bs0, bs1, k, n)
napi_value PackB(napi_env env, napi_callback_info info) {
  const char* fn = "packB";
  size_t argc = 6;
  napi_value args[6];
  napi_get_cb_info(env, info, &argc, args, nullptr, nullptr);
  if (argc < 6) return fail(env, fn, "expected 6 arguments (got %.17g)", static_cast<double>(argc)), nullptr;
  Strided b;
  int64_t k, n;
  if (!getStrided(env, fn, "b", args, &b) || !getInt(env, fn, "k", args[4], 0, kMaxDim, &k) ||
      !getInt(env, fn, "n", args[5], 0, kMaxDim, &n))
    return nullptr;
  if (k > 0 && n > 0 && !inBounds(env, fn, "b", b.array, span(b.off, k, b.s0, n, b.s1))) return nullptr;
  auto* p = new Packed();
  if (b.array.type == napi_float32_array)
    p->f32 = std::make_unique<PackedB<float>>(k, n, at<float>(b.array, b.off), b.s0, b.s1);
  else
    p->f64 = std::make_unique<PackedB<double>>(k, n, at<double>(b.array, b.off), b.s0, b.s1);
  if (!(p->f32 ? p->f32->ok() : p->f64->ok())) {
    delete p;
    napi_throw_range_error(env, nullptr, "packB: out of memory for the packed matrix");
    return nullptr;
  }
  napi_value out;
  napi_create_external(env, p, finalizePacked, nullptr, &out);
  napi_type_tag_object(env, out, &kPackedTag);
  int64_t ignored;
  napi_adjust_external_memory(env, static_cast<int64_t>(p->bytes()), &ignored);
  return out;
}

Packed* getPacked(napi_env env, const char* fn, napi_value v) {
  bool ours = false;
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t == napi_external) napi_check_object_type_tag(env, v, &kPackedTag, &ours);
  if (!ours) return fail(env, fn, "packed must be a handle returned by packB"), nullptr;
  void* data;
  napi_get_value_external(env, v, &data);
  return static_cast<Packed*>(data);
}

// gemmPacked(a, aOff, as0, as1, packed, c, cOff, ldc, m, accumulate[, n0, n1])
napi_value GemmPacked(napi_env env, napi_callback_info info) {
  const char* fn = "gemmPacked";
  size_t argc = 12;
  napi_value args[12];
  napi_get_cb_info(env, info, &argc, args, nullptr, nullptr);
  if (argc < 10)
    return fail(env, fn, "expected 10 or 12 arguments (got %.17g)", static_cast<double>(argc)), nullptr;
  Strided a;
  Array c;
  int64_t cOff, ldc, m;
  bool accumulate;
  Packed* p;
  if (!getStrided(env, fn, "a", args, &a) || !(p = getPacked(env, fn, args[4])) ||
      !getArray(env, fn, "c", args[5], &c) || !getInt(env, fn, "c offset", args[6], 0, kMaxIndex, &cOff) ||
      !getInt(env, fn, "ldc", args[7], 0, kMaxIndex, &ldc) || !getInt(env, fn, "m", args[8], 0, kMaxDim, &m) ||
      !getBool(env, fn, "accumulate", args[9], &accumulate))
    return nullptr;
  const napi_typedarray_type type = p->f32 ? napi_float32_array : napi_float64_array;
  Array packedType = {type, nullptr, 0};
  if (!sameType(env, fn, a.array, packedType, c)) return nullptr;
  const int64_t k = p->f32 ? p->f32->k() : p->f64->k(), n = p->f32 ? p->f32->n() : p->f64->n();
  const int64_t width = p->f32 ? p->f32->panelWidth() : p->f64->panelWidth();
  int64_t n0 = 0, n1 = n;
  if (argc >= 12 && !isUndefined(env, args[10]) &&
      (!getInt(env, fn, "n0", args[10], 0, static_cast<double>(n), &n0) ||
       !getInt(env, fn, "n1", args[11], static_cast<double>(n0), static_cast<double>(n), &n1)))
    return nullptr;
  if (n0 % width != 0 && n0 != n1)
    return fail(env, fn, "n0 must be a multiple of the panel width (got %.17g)", double(n0)), nullptr;
  if (m == 0 || n1 == n0) return nullptr;
  Span as = kEmpty, cs;
  if (k > 0 && !inBounds(env, fn, "a", a.array, as = span(a.off, m, a.s0, k, a.s1))) return nullptr;
  if (!checkC(env, fn, c, cOff + n0, ldc, m, n1 - n0, a, as, nullptr, kEmpty, &cs)) return nullptr;
  if (p->f32)
    gemmPacked<float>(m, at<float>(a.array, a.off), a.s0, a.s1, *p->f32, n0, n1, at<float>(c, cOff), ldc,
                      accumulate);
  else
    gemmPacked<double>(m, at<double>(a.array, a.off), a.s0, a.s1, *p->f64, n0, n1, at<double>(c, cOff), ldc,
                       accumulate);
  return nullptr;
}

napi_value SetNumThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  napi_get_cb_info(env, info, &argc, &arg, nullptr, nullptr);
  int64_t n = 0;
  if (argc < 1 || !getInt(env, "setNumThreads", "n", arg, 0, 1024, &n)) return nullptr;
  pool::setNumThreads(static_cast<int>(n));
  return nullptr;
}

napi_value NumThreads(napi_env env, napi_callback_info) {
  napi_value out;
  napi_create_int32(env, pool::numThreads(), &out);
  return out;
}

napi_value SetGemmIsa(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  napi_get_cb_info(env, info, &argc, &arg, nullptr, nullptr);
  char name[16] = "";
  size_t len = 0;
  if (argc < 1 || napi_get_value_string_utf8(env, arg, name, sizeof name, &len) != napi_ok)
    return fail(env, "setGemmIsa", "name must be a string"), nullptr;
  const bool known = std::string_view(name) == "auto" || std::string_view(name) == "avx512" ||
                     std::string_view(name) == "avx2" || std::string_view(name) == "scalar";
  if (!known) return fail(env, "setGemmIsa", "name must be \"auto\", \"avx512\", \"avx2\" or \"scalar\""), nullptr;
  napi_value out;
  napi_get_boolean(env, setGemmIsa(name), &out);
  return out;
}

napi_value GemmIsa(napi_env env, napi_callback_info) {
  napi_value out;
  napi_create_string_utf8(env, gemmIsa(), NAPI_AUTO_LENGTH, &out);
  return out;
}

}  // namespace

void registerGemm(Napi::Env env, Napi::Object exports) {
  bind::exportAll(env, exports,
                  {{"gemm", Gemm},
                   {"packB", PackB},
                   {"gemmPacked", GemmPacked},
                   {"setNumThreads", SetNumThreads},
                   {"numThreads", NumThreads},
                   {"setGemmIsa", SetGemmIsa},
                   {"gemmIsa", GemmIsa}});
}

}  // namespace nabla
