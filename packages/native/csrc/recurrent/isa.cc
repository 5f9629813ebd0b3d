// The recurrent kernels follow the GEMM's instruction set, so that one switch (setGemmIsa) runs
// a whole sequence, its products and its gate loops, on one set: what tests force to check each.
#include "gemm/gemm.h"
#include "recurrent/kernels.h"

namespace nabla::rec {

template <>
const RecurrentKernels<float>& activeRecurrentKernels<float>() {
  return forIsa(gemmIsaKind(), avx512::kRecurrentF32, avx2::kRecurrentF32, scalar::kRecurrentF32);
}

template <>
const RecurrentKernels<double>& activeRecurrentKernels<double>() {
  return forIsa(gemmIsaKind(), avx512::kRecurrentF64, avx2::kRecurrentF64, scalar::kRecurrentF64);
}

const char* recurrentIsa() { return activeRecurrentKernels<float>().isa; }

}  // namespace nabla::rec
