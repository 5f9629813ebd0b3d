/** The gemm kernels of the addon (csrc/bind/gemm.cc). */
// biome-ignore lint/complexity/noBannedTypes: filled in as the kernels land
export type GemmKernels = {};
