// The elementwise kernels' JavaScript functions (src/elementwise.ts documents them). Written on
// the C Node-API directly: a call reads its arguments with one napi_get_cb_info and one
// napi_get_typedarray_info per array, and creates no JavaScript objects.
#include <cstring>

#include "bind/register.h"
#include "elementwise/drivers.h"
#include "elementwise/kernels.h"

namespace nabla {
namespace {

using ew::Array;
using ew::Err;

napi_value fail(napi_env env, const char* msg) {
  napi_throw_type_error(env, nullptr, msg);
  return nullptr;
}

// A Float32Array, Float64Array or Int32Array argument.
bool array(napi_env env, napi_value v, Array& a, const char* fn, const char* what, Err& err) {
  napi_typedarray_type type;
  size_t length;
  void* data;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr) != napi_ok)
    return err.fail("%s: %s must be a Float32Array, Float64Array or Int32Array", fn, what);
  a.data = data;
  a.length = int64_t(length);
  if (type == napi_float32_array) a.dtype = ew::F32;
  else if (type == napi_float64_array) a.dtype = ew::F64;
  else if (type == napi_int32_array) a.dtype = ew::I32;
  else return err.fail("%s: %s must be a Float32Array, Float64Array or Int32Array", fn, what);
  return true;
}

// The packed layout argument: an Int32Array.
bool layout(napi_env env, napi_value v, const int32_t*& meta, int64_t& len, const char* fn, Err& err) {
  Array a;
  if (!array(env, v, a, fn, "layout", err)) return false;
  if (a.dtype != ew::I32) return err.fail("%s: layout must be an Int32Array", fn);
  meta = static_cast<const int32_t*>(a.data);
  len = a.length;
  return true;
}

bool opCode(napi_env env, napi_value v, int& op, const char* fn, Err& err) {
  if (napi_get_value_int32(env, v, &op) != napi_ok) return err.fail("%s: op must be a number", fn);
  return true;
}

// Reads argc arguments; false if fewer were passed.
bool args(napi_env env, napi_callback_info info, size_t argc, napi_value* argv, const char* fn, Err& err) {
  size_t n = argc;
  napi_get_cb_info(env, info, &n, argv, nullptr, nullptr);
  if (n < argc) return err.fail("%s: expected %zu arguments, got %zu", fn, argc, n);
  return true;
}

// unary(op, x, out, layout)
napi_value Unary(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  Err err;
  int op;
  Array x, out;
  const int32_t* meta;
  int64_t len;
  if (!args(env, info, 4, argv, "unary", err) || !opCode(env, argv[0], op, "unary", err) ||
      !array(env, argv[1], x, "unary", "x", err) || !array(env, argv[2], out, "unary", "out", err) ||
      !layout(env, argv[3], meta, len, "unary", err) || !ew::runUnary(op, x, out, meta, len, err))
    return fail(env, err.msg);
  return nullptr;
}

// binary(op, a, b, out, layout)
napi_value Binary(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  Err err;
  int op;
  Array a, b, out;
  const int32_t* meta;
  int64_t len;
  if (!args(env, info, 5, argv, "binary", err) || !opCode(env, argv[0], op, "binary", err) ||
      !array(env, argv[1], a, "binary", "a", err) || !array(env, argv[2], b, "binary", "b", err) ||
      !array(env, argv[3], out, "binary", "out", err) || !layout(env, argv[4], meta, len, "binary", err) ||
      !ew::runBinary(op, a, b, out, meta, len, err))
    return fail(env, err.msg);
  return nullptr;
}

// where(cond, a, b, out, layout)
napi_value Where(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  Err err;
  Array c, a, b, out;
  const int32_t* meta;
  int64_t len;
  if (!args(env, info, 5, argv, "where", err) || !array(env, argv[0], c, "where", "cond", err) ||
      !array(env, argv[1], a, "where", "a", err) || !array(env, argv[2], b, "where", "b", err) ||
      !array(env, argv[3], out, "where", "out", err) || !layout(env, argv[4], meta, len, "where", err) ||
      !ew::runWhere(c, a, b, out, meta, len, err))
    return fail(env, err.msg);
  return nullptr;
}

// reduce(op, x, out, layout)
napi_value Reduce(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  Err err;
  int op;
  Array x, out;
  const int32_t* meta;
  int64_t len;
  if (!args(env, info, 4, argv, "reduce", err) || !opCode(env, argv[0], op, "reduce", err) ||
      !array(env, argv[1], x, "reduce", "x", err) || !array(env, argv[2], out, "reduce", "out", err) ||
      !layout(env, argv[3], meta, len, "reduce", err) || !ew::runReduce(op, x, out, meta, len, err))
    return fail(env, err.msg);
  return nullptr;
}

// copy(x, out, layout)
napi_value Copy(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  Err err;
  Array x, out;
  const int32_t* meta;
  int64_t len;
  if (!args(env, info, 3, argv, "copy", err) || !array(env, argv[0], x, "copy", "x", err) ||
      !array(env, argv[1], out, "copy", "out", err) || !layout(env, argv[2], meta, len, "copy", err) ||
      !ew::runCopy(x, out, meta, len, err))
    return fail(env, err.msg);
  return nullptr;
}

// setIsa(name): "avx512" | "avx2" | "scalar" | "auto"; returns the active instruction set's name.
napi_value SetIsa(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  size_t argc = 1;
  char name[16] = "";
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc < 1 || napi_get_value_string_utf8(env, argv[0], name, sizeof name, nullptr) != napi_ok)
    return fail(env, "setIsa: expected \"avx512\", \"avx2\", \"scalar\" or \"auto\"");
  Isa isa;
  if (std::strcmp(name, "avx512") == 0) isa = Isa::Avx512;
  else if (std::strcmp(name, "avx2") == 0) isa = Isa::Avx2;
  else if (std::strcmp(name, "scalar") == 0) isa = Isa::Scalar;
  else if (std::strcmp(name, "auto") == 0) isa = detectIsa();
  else return fail(env, "setIsa: expected \"avx512\", \"avx2\", \"scalar\" or \"auto\"");
  if (!ew::setIsa(isa)) return fail(env, "setIsa: this CPU cannot run that instruction set");
  napi_value result;
  napi_create_string_utf8(env, isaName(ew::activeIsa()), NAPI_AUTO_LENGTH, &result);
  return result;
}

}  // namespace

void registerElementwise(Napi::Env env, Napi::Object exports) {
  const struct {
    const char* name;
    napi_callback fn;
  } fns[] = {{"unary", Unary}, {"binary", Binary}, {"where", Where},
             {"reduce", Reduce}, {"copy", Copy},     {"setIsa", SetIsa}};
  for (const auto& f : fns) {
    napi_value v;
    napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.fn, nullptr, &v);
    napi_set_named_property(env, exports, f.name, v);
  }
}

}  // namespace nabla
