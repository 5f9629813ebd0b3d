// The AVX-512 attention kernels: attention/kernel-inl.h on 64-byte vectors (16 floats, 8 doubles).
#define NABLA_ISA avx512
#define NABLA_VEC_BYTES 64
#include "attention/kernel-inl.h"

namespace nabla::attn::avx512 {

const AttentionKernels<float> kAttentionF32 = table<float>("avx512");
const AttentionKernels<double> kAttentionF64 = table<double>("avx512");

}  // namespace nabla::attn::avx512
