// Panel packing (layouts in kernels.h), shared by the instruction sets: each kernel file includes
// this and compiles it with its own flags. The anonymous namespace keeps every copy private to its
// file, so the linker can never hand the AVX-512 copy to an AVX2 machine.
#pragma once

#include <cstddef>

namespace nabla {
namespace {

// A[i, p] = a[i * s0 + p * s1] for i < rows, p < kc into dst[p * MR + i], rows zero-padded to MR.
template <class T, int MR>
void packAPanel(int rows, int kc, const T* a, ptrdiff_t s0, ptrdiff_t s1, T* dst) {
  if (s0 == 1) {  // A^T in memory: MR contiguous values per step
    for (int p = 0; p < kc; ++p, dst += MR) {
      const T* src = a + p * s1;
      int i = 0;
      for (; i < rows; ++i) dst[i] = src[i];
      for (; i < MR; ++i) dst[i] = T(0);
    }
    return;
  }
  if (rows == MR && s1 == 1) {  // row-major A: MR row streams, interleaved
    const T* row[MR];
    for (int i = 0; i < MR; ++i) row[i] = a + i * s0;
    for (int p = 0; p < kc; ++p, dst += MR)
      for (int i = 0; i < MR; ++i) dst[i] = row[i][p];
    return;
  }
  for (int p = 0; p < kc; ++p, dst += MR) {
    int i = 0;
    for (; i < rows; ++i) dst[i] = a[i * s0 + p * s1];
    for (; i < MR; ++i) dst[i] = T(0);
  }
}

// B[p, j] = b[p * s0 + j * s1] for p < kc, j < cols into dst[p * NR + j], cols zero-padded to NR.
template <class T, int NR>
void packBPanel(int kc, int cols, const T* b, ptrdiff_t s0, ptrdiff_t s1, T* dst) {
  if (cols == NR && s1 == 1) {  // row-major B: one contiguous run per step
    for (int p = 0; p < kc; ++p, dst += NR) {
      const T* src = b + p * s0;
      for (int j = 0; j < NR; ++j) dst[j] = src[j];
    }
    return;
  }
  if (cols == NR && s0 == 1) {  // B^T in memory: NR column streams, interleaved
    const T* col[NR];
    for (int j = 0; j < NR; ++j) col[j] = b + j * s1;
    for (int p = 0; p < kc; ++p, dst += NR)
      for (int j = 0; j < NR; ++j) dst[j] = col[j][p];
    return;
  }
  for (int p = 0; p < kc; ++p, dst += NR) {
    int j = 0;
    for (; j < cols; ++j) dst[j] = b[p * s0 + j * s1];
    for (; j < NR; ++j) dst[j] = T(0);
  }
}

}  // namespace
}  // namespace nabla
