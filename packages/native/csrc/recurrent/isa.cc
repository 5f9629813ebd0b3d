// The recurrent kernels follow the GEMM's instruction set, so that one switch (setGemmIsa) runs
// a whole sequence, its products and its gate loops, on one set: what tests force to check each.
#include <cstring>

#include "gemm/gemm.h"
#include "recurrent/kernels.h"

namespace nabla::rec {

template <>
const RecurrentKernels<float>& activeRecurrentKernels<float>() {
  const char* isa = gemmIsa();
  if (std::strcmp(isa, "avx512") == 0) return avx512::kRecurrentF32;
  if (std::strcmp(isa, "avx2") == 0) return avx2::kRecurrentF32;
  return scalar::kRecurrentF32;
}

template <>
const RecurrentKernels<double>& activeRecurrentKernels<double>() {
  const char* isa = gemmIsa();
  if (std::strcmp(isa, "avx512") == 0) return avx512::kRecurrentF64;
  if (std::strcmp(isa, "avx2") == 0) return avx2::kRecurrentF64;
  return scalar::kRecurrentF64;
}

const char* recurrentIsa() { return activeRecurrentKernels<float>().isa; }

}  // namespace nabla::rec
