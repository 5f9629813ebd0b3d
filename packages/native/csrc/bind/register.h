// Each bind/*.cc file adds its kernels' JavaScript functions to the addon's exports.
#pragma once
#include <napi.h>

namespace nabla {

void registerGemm(Napi::Env env, Napi::Object exports);
void registerElementwise(Napi::Env env, Napi::Object exports);
void registerRecurrent(Napi::Env env, Napi::Object exports);
void registerAttention(Napi::Env env, Napi::Object exports);

}  // namespace nabla
