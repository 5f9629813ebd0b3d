// Which instruction set's micro-kernels the GEMM runs: the best the CPU has, or one forced by a
// test (setGemmIsa) so that every set is checked on a machine that has them all.
#include <cstring>

#include "cpu.h"
#include "gemm/gemm.h"
#include "gemm/kernels.h"

namespace nabla {
namespace {

Isa& chosen() {
  static Isa isa = detectIsa();
  return isa;
}

}  // namespace

template <>
const GemmKernels<float>& activeKernels<float>() {
  return forIsa(chosen(), avx512::kGemmF32, avx2::kGemmF32, scalar::kGemmF32);
}

template <>
const GemmKernels<double>& activeKernels<double>() {
  return forIsa(chosen(), avx512::kGemmF64, avx2::kGemmF64, scalar::kGemmF64);
}

bool setGemmIsa(const char* name) {
  const Isa best = detectIsa();
  Isa want;
  if (std::strcmp(name, "auto") == 0) want = best;
  else if (std::strcmp(name, "avx512") == 0) want = Isa::Avx512;
  else if (std::strcmp(name, "avx2") == 0) want = Isa::Avx2;
  else if (std::strcmp(name, "scalar") == 0) want = Isa::Scalar;
  else return false;
  if (static_cast<int>(want) > static_cast<int>(best)) return false;
  chosen() = want;
  return true;
}

const char* gemmIsa() { return isaName(chosen()); }

Isa gemmIsaKind() { return chosen(); }

}  // namespace nabla
