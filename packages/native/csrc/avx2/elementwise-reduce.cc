// The reduce kernels compiled for AVX2 (written once in elementwise/simd/reduce.h).
#include "avx2/vec.h"
#define NABLA_ISA avx2
#include "elementwise/simd/reduce.h"
