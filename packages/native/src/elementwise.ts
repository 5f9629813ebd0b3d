/** The elementwise kernels of the addon (csrc/bind/elementwise.cc). */
// biome-ignore lint/complexity/noBannedTypes: filled in as the kernels land
export type ElementwiseKernels = {};
