// The binary kernels compiled for AVX2 (written once in elementwise/simd/binary.h).
#include "avx2/vec.h"
#define NABLA_ISA avx2
#include "elementwise/simd/binary.h"
