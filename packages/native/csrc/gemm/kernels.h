// The micro-kernels of one instruction set for one dtype, as the GEMM driver (driver.cc) sees
// them. Each set lives in one file compiled for its instruction set: avx512/gemm.cc,
// avx2/gemm.cc, and the portable gemm/scalar.cc, which is also the reference the tests compare
// the others against.
//
// Packed layouts: an A panel holds MR rows of A for kc steps, a[p * mr + i] = A[i, p]; a B panel
// holds NR columns of B for kc steps, b[p * nr + j] = B[p, j]. Rows and columns past the edge of
// the matrix are zero in the panels, so the micro-kernel always multiplies whole panels and only
// its stores look at the true tile size.
#pragma once

#include <cstddef>

namespace nabla {

template <class T>
struct GemmKernels {
  const char* isa;
  int mr, nr;  // the register tile: MR rows x NR columns of C
  int kc, mc;  // cache blocks: an A block of MC x KC and a B panel of KC x NR stay in cache
  int nc;      // columns of B packed at a time
  // C[i, j] (+)= sum_{p < kc} a[p * mr + i] * b[p * nr + j] for i < rows <= mr, j < cols <= nr;
  // it adds to C when add, else overwrites it.
  void (*tile)(int kc, const T* a, const T* b, T* c, ptrdiff_t ldc, int rows, int cols, bool add);
  // Rows [0, mc) of A (A[i, p] = a[i * s0 + p * s1]) for p < kc, as ceil(mc / mr) panels of
  // kc x mr one after the other.
  void (*packA)(int mc, int kc, const T* a, ptrdiff_t s0, ptrdiff_t s1, T* dst);
  // Columns [0, nc) of B (B[p, j] = b[p * s0 + j * s1]) for p < kc, as ceil(nc / nr) panels of
  // kc x nr one after the other.
  void (*packB)(int kc, int nc, const T* b, ptrdiff_t s0, ptrdiff_t s1, T* dst);
  // Optional (may be null): the tile of `tile` with A and B read in place, for products too small
  // to repay packing: A[i, p] = a[i * as0 + p * as1], B[p, j] = b[p * bs0 + j] (unit column
  // stride), all k steps at once.
  void (*tileInPlace)(int k, const T* a, ptrdiff_t as0, ptrdiff_t as1, const T* b, ptrdiff_t bs0, T* c,
                      ptrdiff_t ldc, int rows, int cols, bool add);
};

namespace scalar {
extern const GemmKernels<float> kGemmF32;
extern const GemmKernels<double> kGemmF64;
}  // namespace scalar
namespace avx2 {
extern const GemmKernels<float> kGemmF32;
extern const GemmKernels<double> kGemmF64;
}  // namespace avx2
namespace avx512 {
extern const GemmKernels<float> kGemmF32;
extern const GemmKernels<double> kGemmF64;
}  // namespace avx512

// The set in use for T (see setGemmIsa in gemm.h).
template <class T>
const GemmKernels<T>& activeKernels();

}  // namespace nabla
