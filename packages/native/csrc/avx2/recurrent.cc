// The AVX2 + FMA recurrent kernels: the templates of recurrent/simd/ on 8 floats / 4 doubles per
// vector. 16 registers: an LSTM tile of 3 rows x 4 gates is 12 accumulators + 3 weight vectors
// (the compiler takes the fourth from memory in each FMA).
#include "avx2/vec.h"
#define NABLA_ISA avx2
#include "recurrent/simd/table.h"

namespace nabla::rec::avx2 {

const RecurrentKernels<float> kRecurrentF32 = table<float, 3, 4, 6, 6>("avx2");
const RecurrentKernels<double> kRecurrentF64 = table<double, 3, 4, 6, 6>("avx2");

}  // namespace nabla::rec::avx2
