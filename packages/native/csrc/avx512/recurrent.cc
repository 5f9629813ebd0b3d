// The AVX-512 recurrent kernels: the templates of recurrent/simd/ on 16 floats / 8 doubles per
// vector. 32 registers: an LSTM tile of 6 rows x 4 gates is 24 accumulators + 4 weight vectors.
#include "avx512/vec.h"
#define NABLA_ISA avx512
#include "recurrent/simd/table.h"

namespace nabla::rec::avx512 {

const RecurrentKernels<float> kRecurrentF32 = table<float, 6, 8, 12, 12>("avx512");
const RecurrentKernels<double> kRecurrentF64 = table<double, 6, 8, 12, 12>("avx512");

}  // namespace nabla::rec::avx512
