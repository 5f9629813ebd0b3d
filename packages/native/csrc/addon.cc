// The Node-API surface of @nablajs/native: each export unwraps typed arrays and calls a kernel.
#include <napi.h>

#include "bind/register.h"
#include "cpu.h"

namespace {

Napi::Value Isa(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), nabla::isaName(nabla::detectIsa()));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("isa", Napi::Function::New(env, Isa));
  nabla::registerGemm(env, exports);
  nabla::registerElementwise(env, exports);
  nabla::registerRecurrent(env, exports);
  nabla::registerAttention(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(nabla_native, Init)
