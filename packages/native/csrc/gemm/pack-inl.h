// Packing of A and B blocks into panels (layouts in kernels.h), shared by the instruction sets:
// each kernel file includes this and compiles it with its own flags, passing the register
// transposes of its instruction set. The anonymous namespace keeps every copy private to its file,
// so the linker can never hand the AVX-512 copy to an AVX2 machine.
//
// Each operand has two fast layouts and a general strided one:
//   A row-major (s1 == 1): MR rows are transposed S x S at a time into the panel;
//   A^T in memory (s0 == 1): each step of k is MR contiguous values: a copy;
//   B row-major (s1 == 1): rows are copied NR values at a time, 8 rows per panel visit, so B is
//     read row after row (the prefetcher follows it) and each panel gets 8 contiguous rows;
//   B^T in memory (s0 == 1): NR columns are transposed S x S at a time into the panel.
#pragma once

#include <cstddef>

namespace nabla {
namespace {

// The transpose concept: kSize, and run(src, ss, dst, ds) doing dst[q * ds + j] = src[j * ss + q]
// for j, q < kSize. kSize == 0 means no register transpose: the strided loops are used.
struct NoTranspose {
  static constexpr int kSize = 0;
  template <class T>
  static void run(const T*, ptrdiff_t, T*, ptrdiff_t) {}
};

// dst[p * W + j] = src[j * s0 + p * s1] for p < kc, j < count, zero for count <= j < W.
template <class T, int W>
void packStrided(int kc, int count, const T* src, ptrdiff_t s0, ptrdiff_t s1, T* dst) {
  for (int p = 0; p < kc; ++p, dst += W) {
    int j = 0;
    for (; j < count; ++j) dst[j] = src[j * s0 + p * s1];
    for (; j < W; ++j) dst[j] = T(0);
  }
}

// One panel of W lines (each contiguous along k, `stride` apart) transposed into dst[p * W + j].
template <class T, int W, class Tr>
void packTransposed(int kc, const T* src, ptrdiff_t stride, T* dst) {
  constexpr int s = Tr::kSize;
  int p = 0;
  for (; p + s <= kc; p += s)
    for (int j = 0; j < W; j += s) Tr::run(src + j * stride + p, stride, dst + p * W + j, W);
  for (; p < kc; ++p)
    for (int j = 0; j < W; ++j) dst[p * W + j] = src[j * stride + p];
}

// A[i, p] = a[i * s0 + p * s1] for i < mc, p < kc into ceil(mc / MR) panels of kc x MR.
template <class T, int MR, class Tr>
void packABlock(int mc, int kc, const T* a, ptrdiff_t s0, ptrdiff_t s1, T* dst) {
  for (int ir = 0; ir < mc; ir += MR, a += MR * s0, dst += ptrdiff_t(kc) * MR) {
    const int rows = mc - ir < MR ? mc - ir : MR;
    if (s0 == 1 && rows == MR) {
      for (int p = 0; p < kc; ++p)
        for (int i = 0; i < MR; ++i) dst[p * MR + i] = a[p * s1 + i];
      continue;
    }
    if constexpr (Tr::kSize > 0 && MR % Tr::kSize == 0) {
      if (s1 == 1 && rows == MR) {
        packTransposed<T, MR, Tr>(kc, a, s0, dst);
        continue;
      }
    }
    packStrided<T, MR>(kc, rows, a, s0, s1, dst);
  }
}

// B[p, j] = b[p * s0 + j * s1] for p < kc, j < nc into ceil(nc / NR) panels of kc x NR.
template <class T, int NR, class Tr>
void packBBlock(int kc, int nc, const T* b, ptrdiff_t s0, ptrdiff_t s1, T* dst) {
  const int full = nc / NR;
  if (s1 == 1) {
    constexpr int rowsPerVisit = 8;
    for (int p0 = 0; p0 < kc; p0 += rowsPerVisit) {
      const int p1 = p0 + rowsPerVisit < kc ? p0 + rowsPerVisit : kc;
      for (int jp = 0; jp < full; ++jp) {
        T* d = dst + ptrdiff_t(jp) * kc * NR;
        for (int p = p0; p < p1; ++p)
          for (int j = 0; j < NR; ++j) d[p * NR + j] = b[p * s0 + jp * NR + j];
      }
    }
  } else {
    bool transposed = false;
    if constexpr (Tr::kSize > 0 && NR % Tr::kSize == 0) transposed = s0 == 1;
    for (int jp = 0; jp < full; ++jp) {
      const T* src = b + ptrdiff_t(jp) * NR * s1;
      T* d = dst + ptrdiff_t(jp) * kc * NR;
      if (transposed) packTransposed<T, NR, Tr>(kc, src, s1, d);
      else packStrided<T, NR>(kc, NR, src, s1, s0, d);
    }
  }
  if (full * NR < nc)
    packStrided<T, NR>(kc, nc - full * NR, b + ptrdiff_t(full) * NR * s1, s1, s0,
                       dst + ptrdiff_t(full) * kc * NR);
}

}  // namespace
}  // namespace nabla
