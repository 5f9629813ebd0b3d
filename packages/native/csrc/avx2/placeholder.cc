// Kernels compiled for AVX2 + FMA live in this folder (binding.gyp compiles it with -mavx2 -mfma).
namespace nabla::avx2 {}
