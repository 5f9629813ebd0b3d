// The binary kernels compiled for AVX512 (written once in elementwise/simd/binary.h).
#include "avx512/vec.h"
#define NABLA_ISA avx512
#include "elementwise/simd/binary.h"
