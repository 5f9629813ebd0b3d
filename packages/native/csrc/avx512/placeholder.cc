// Kernels compiled for AVX-512 live in this folder (binding.gyp compiles it with -mavx512f ...).
namespace nabla::avx512 {}
