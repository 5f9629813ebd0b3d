// Matrix products for the kernels of @nablajs/native: C = A B, or C += A B, in float and double.
//
// Operands are strided: A[i, p] = a[i * as0 + p * as1] and B[p, j] = b[p * bs0 + j * bs1], so a
// transposed operand is the same memory with its two strides swapped (A^T B and A B^T run as fast
// as A B: the transpose happens while packing, never as a separate copy). C is row-major:
// C[i, j] = c[i * ldc + j]. Nothing here checks bounds: the Node-API layer (bind/gemm.cc) does.
//
// The product is the BLIS/ggml scheme: B is packed into NR-wide panels and A into MR-tall panels
// (blocked by KC along k so a panel stays in cache), and a register-blocked MR x NR micro-kernel
// for the best instruction set of the machine (AVX-512, AVX2 + FMA, else portable scalar C++)
// runs over the panels (driver.cc has the loop nest). Products of at most 256 multiply-adds run a
// plain loop instead, and those up to 64^3 with a unit column stride in B skip the packing. Products of 2^22 flops or more are split across the thread pool (pool.h);
// a call made inside a parallel region (a pool::parallelFor task) runs on that thread only, so a
// fused kernel may either call gemm from one thread and let it split, or split the work itself
// (e.g. gemmPacked over column ranges, one per task) and call gemm inside its tasks.
// All functions are safe to call from several threads at once on different outputs.
#pragma once

#include <cstddef>

#include "cpu.h"

namespace nabla {

template <class T>
struct GemmKernels;

// C[m, n] = A[m, k] B[k, n], or C += A B when accumulate. With k == 0, C is set to zero (or left
// as it is when accumulate). m, n, k >= 0; C's rows must not overlap each other, A or B.
template <class T>
void gemm(int m, int n, int k, const T* a, ptrdiff_t as0, ptrdiff_t as1, const T* b, ptrdiff_t bs0,
          ptrdiff_t bs1, T* c, ptrdiff_t ldc, bool accumulate);

// B[k, n] packed once in the layout of the micro-kernels, to be reused by many products with
// different A: the recurrent weight W_hh^T [H, 4H] packed once per sequence, used at every step.
// B's values are COPIED at pack time: writing to b afterwards does not change the packed matrix.
// The packing follows the instruction set in use when it was made, and gemmPacked runs the
// micro-kernels of that same set. Movable, not copyable; frees its memory when destroyed.
template <class T>
class PackedB {
 public:
  PackedB(int k, int n, const T* b, ptrdiff_t bs0, ptrdiff_t bs1);
  ~PackedB();
  PackedB(PackedB&& other) noexcept;
  PackedB& operator=(PackedB&& other) noexcept;
  PackedB(const PackedB&) = delete;
  PackedB& operator=(const PackedB&) = delete;

  int k() const { return k_; }
  int n() const { return n_; }
  // False when the memory for the panels could not be allocated (then it must not be used).
  bool ok() const { return data_ != nullptr || k_ == 0 || n_ == 0; }
  // Columns per packed panel: column ranges given to gemmPacked start at a multiple of it.
  int panelWidth() const;
  // Bytes held.
  size_t bytes() const { return bytes_; }

  // Internal: the micro-kernels this was packed for, and panel jp (columns [jp*NR, jp*NR + NR),
  // all k rows, NR values per row, zero-padded past n).
  const GemmKernels<T>& kernels() const { return *kernels_; }
  const T* panel(int jp) const;

 private:
  int k_ = 0, n_ = 0;
  size_t bytes_ = 0;
  T* data_ = nullptr;
  const GemmKernels<T>* kernels_ = nullptr;
};

// C[m, n] = A[m, k] packed (or += when accumulate), n and k those of packed.
template <class T>
void gemmPacked(int m, const T* a, ptrdiff_t as0, ptrdiff_t as1, const PackedB<T>& packed, T* c,
                ptrdiff_t ldc, bool accumulate);

// Only the columns [n0, n1) of the product above: c still points at C[0, 0], and n0 is a multiple
// of packed.panelWidth() (or n0 == n1). For fused kernels that split the columns themselves.
template <class T>
void gemmPacked(int m, const T* a, ptrdiff_t as0, ptrdiff_t as1, const PackedB<T>& packed, int n0,
                int n1, T* c, ptrdiff_t ldc, bool accumulate);

// The instruction set the GEMM kernels use: "auto" (the best this CPU runs: the default), or, for
// tests, "avx512", "avx2" or "scalar" (forcing a set the CPU lacks returns false and changes
// nothing). Not thread-safe against running products: set it between them.
bool setGemmIsa(const char* name);
// The name of the set in use: "avx512", "avx2" or "scalar".
const char* gemmIsa();
Isa gemmIsaKind();  // the same as an enum

}  // namespace nabla
