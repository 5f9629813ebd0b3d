// The portable attention kernels: attention/kernel-inl.h on 16-byte vectors, which every x86-64
// CPU runs (SSE2) and other targets lower to what they have. They run where neither AVX2 nor
// AVX-512 is available.
#define NABLA_ISA scalar
#define NABLA_VEC_BYTES 16
#include "attention/kernel-inl.h"

namespace nabla::attn::scalar {

const AttentionKernels<float> kAttentionF32 = table<float>("scalar");
const AttentionKernels<double> kAttentionF64 = table<double>("scalar");

}  // namespace nabla::attn::scalar
