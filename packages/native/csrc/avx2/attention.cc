// The AVX2 + FMA attention kernels: attention/kernel-inl.h on 32-byte vectors (8 floats, 4 doubles).
#define NABLA_ISA avx2
#define NABLA_VEC_BYTES 32
#include "attention/kernel-inl.h"

namespace nabla::attn::avx2 {

const AttentionKernels<float> kAttentionF32 = table<float>("avx2");
const AttentionKernels<double> kAttentionF64 = table<double>("avx2");

}  // namespace nabla::attn::avx2
