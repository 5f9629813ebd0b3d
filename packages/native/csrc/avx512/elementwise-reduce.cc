// The reduce kernels compiled for AVX512 (written once in elementwise/simd/reduce.h).
#include "avx512/vec.h"
#define NABLA_ISA avx512
#include "elementwise/simd/reduce.h"
