// The attention kernels of one instruction set, as the driver (attention/driver.cc) sees them:
// the forward of one block of query rows of one head, the whole backward of one head, and the
// GELU and LayerNorm kernels of the layers around attention (norm-inl.h). Each
// set is attention/kernel-inl.h compiled for it: avx512/attention.cc, avx2/attention.cc, and the
// portable attention/scalar.cc (the same code on 16-byte vectors).
#pragma once

#include <cstddef>
#include <vector>

#include "attention/attention.h"

namespace nabla::attn {

// Query rows per block and keys per block: a 64 x 64 block of scores (16 KB of floats) stays in
// L1 with its operands, and each product is at most 64 x 64 x D (the GEMM's in-place size for
// D <= 64).
constexpr int kBr = 64;
constexpr int kBc = 64;

// One head's operands: q [L, D], k [S, D], v [S, Dv]; mask points at its [L, S] slice (or null).
template <class T>
struct Head {
  const T *q, *k, *v;
  const T* mask;
  ptrdiff_t sl, ss;
};

// One thread's working memory, grown on demand and kept between calls. `kt` caches the
// transposed keys of the head `ktHead` of call `ktCall`, so the blocks of one head that a thread
// runs one after another transpose its keys once.
template <class T>
struct Scratch {
  std::vector<T> kt, vt, s, dp, acc, m, l, delta;
  const T* ktHead = nullptr;
  unsigned long ktCall = 0;

  static T* sized(std::vector<T>& v, size_t n) {
    if (v.size() < n) v.resize(n);
    return v.data();
  }
};

template <class T>
struct AttentionKernels {
  const char* isa;
  // out rows [i0, i0 + rows) of one head (out and lse point at the head's first row).
  void (*forwardBlock)(const Problem& p, const Head<T>& h, int i0, int rows, T* out, T* lse,
                       Scratch<T>& sc, unsigned long call);
  // dq, dk, dv of one head (pointers at the head's first row), from its out, lse and dout.
  void (*backwardHead)(const Problem& p, const Head<T>& h, const T* out, const T* lse, const T* dout, T* dq,
                       T* dk, T* dv, Scratch<T>& sc);
  // The row kernels around attention (norm-inl.h), on a range of elements or rows.
  void (*gelu)(bool tanhForm, const T* x, T* y, T* dy, ptrdiff_t i0, ptrdiff_t i1);
  void (*layerNorm)(int n, T eps, const T* x, const T* w, const T* b, T* y, T* mean, T* rstd, int r0, int r1);
  void (*layerNormBackward)(int n, const T* x, const T* w, const T* mean, const T* rstd, const T* g, T* dx, T* dw,
                            T* db, int r0, int r1);
};

namespace scalar {
extern const AttentionKernels<float> kAttentionF32;
extern const AttentionKernels<double> kAttentionF64;
}  // namespace scalar
namespace avx2 {
extern const AttentionKernels<float> kAttentionF32;
extern const AttentionKernels<double> kAttentionF64;
}  // namespace avx2
namespace avx512 {
extern const AttentionKernels<float> kAttentionF32;
extern const AttentionKernels<double> kAttentionF64;
}  // namespace avx512

}  // namespace nabla::attn
