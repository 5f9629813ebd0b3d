/** The recurrent kernels of the addon (csrc/bind/recurrent.cc). */
// biome-ignore lint/complexity/noBannedTypes: filled in as the kernels land
export type RecurrentKernels = {};
