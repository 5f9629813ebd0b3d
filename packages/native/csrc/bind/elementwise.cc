// The elementwise kernels' JavaScript functions (src/elementwise.ts documents them). Written on
// the C Node-API directly: a call reads its arguments with one napi_get_cb_info and one
// napi_get_arraybuffer_info per buffer, and creates no JavaScript objects.
// NOTE: operands arrive as ArrayBuffers with their typed arrays described in the layout:
// napi_get_typedarray_info costs ~50 ns a call on Node 20 against ~10 ns for an ArrayBuffer, so
// an 8-element add took ~290 ns with typed arrays. Every access is still checked against the
// buffers' lengths.
#include <cstring>

#include "bind/args.h"
#include "bind/register.h"
#include "elementwise/drivers.h"
#include "elementwise/kernels.h"

namespace nabla {
namespace {

using bind::throwTypeError;
using ew::Err;

// One call: an op code (if the function takes one), nBufs ArrayBuffers (inputs, then out) and
// the layout's ArrayBuffer (Int32 words).
using Runner = bool (*)(int op, const ew::Buffer* bufs, const int32_t* meta, int64_t metaLen, Err& err);

napi_value call(napi_env env, napi_callback_info info, const char* fn, bool hasOp, int nBufs, Runner run) {
  napi_value argv[6];
  size_t argc = 6;
  const size_t want = size_t(hasOp + nBufs + 1);
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc < want) return bind::fail(env, fn, "expected %zu arguments, got %zu", want, argc), nullptr;
  int op = 0;
  if (hasOp && napi_get_value_int32(env, argv[0], &op) != napi_ok)
    return bind::fail(env, fn, "op must be a number"), nullptr;
  ew::Buffer bufs[ew::kMaxOperands + 1];
  for (int j = 0; j <= nBufs; j++) {
    size_t bytes;
    if (napi_get_arraybuffer_info(env, argv[hasOp + j], &bufs[j].data, &bytes) != napi_ok)
      return bind::fail(env, fn, "argument %d must be an ArrayBuffer", hasOp + j + 1), nullptr;
    bufs[j].bytes = int64_t(bytes);
  }
  const ew::Buffer& layout = bufs[nBufs];
  Err err;
  if (!run(op, bufs, static_cast<const int32_t*>(layout.data), layout.bytes / 4, err))
    return throwTypeError(env, err.msg);
  return nullptr;
}

napi_value Unary(napi_env env, napi_callback_info info) {
  return call(env, info, "unary", true, 2, ew::runUnary);
}
napi_value Binary(napi_env env, napi_callback_info info) {
  return call(env, info, "binary", true, 3, ew::runBinary);
}
napi_value Where(napi_env env, napi_callback_info info) {
  return call(env, info, "where", false, 4, [](int, const ew::Buffer* b, const int32_t* m, int64_t n, Err& e) {
    return ew::runWhere(b, m, n, e);
  });
}
napi_value Reduce(napi_env env, napi_callback_info info) {
  return call(env, info, "reduce", true, 2, ew::runReduce);
}
napi_value Copy(napi_env env, napi_callback_info info) {
  return call(env, info, "copy", false, 2, [](int, const ew::Buffer* b, const int32_t* m, int64_t n, Err& e) {
    return ew::runCopy(b, m, n, e);
  });
}

// setElementwiseIsa(name): "avx512" | "avx2" | "scalar" | "auto" (the best this CPU runs); false,
// and no change, if this CPU cannot run it.
napi_value SetIsa(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  size_t argc = 1;
  char name[16] = "";
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  const char* usage = "setElementwiseIsa: name must be \"avx512\", \"avx2\", \"scalar\" or \"auto\"";
  if (argc < 1 || napi_get_value_string_utf8(env, argv[0], name, sizeof name, nullptr) != napi_ok)
    return throwTypeError(env, usage);
  Isa isa;
  if (std::strcmp(name, "avx512") == 0) isa = Isa::Avx512;
  else if (std::strcmp(name, "avx2") == 0) isa = Isa::Avx2;
  else if (std::strcmp(name, "scalar") == 0) isa = Isa::Scalar;
  else if (std::strcmp(name, "auto") == 0) isa = detectIsa();
  else return throwTypeError(env, usage);
  napi_value result;
  napi_get_boolean(env, ew::setIsa(isa), &result);
  return result;
}

// elementwiseIsa(): the instruction set the elementwise kernels run.
napi_value ActiveIsa(napi_env env, napi_callback_info) {
  napi_value result;
  napi_create_string_utf8(env, isaName(ew::activeIsa()), NAPI_AUTO_LENGTH, &result);
  return result;
}

}  // namespace

void registerElementwise(Napi::Env env, Napi::Object exports) {
  bind::exportAll(env, exports,
                  {{"unary", Unary},
                   {"binary", Binary},
                   {"where", Where},
                   {"reduce", Reduce},
                   {"copy", Copy},
                   {"setElementwiseIsa", SetIsa},
                   {"elementwiseIsa", ActiveIsa}});
}

}  // namespace nabla
