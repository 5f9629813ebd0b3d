// The attention drivers (attention.h): the kernels of the GEMM's instruction set, one pool task per
// head and block of query rows (forward) or per head (backward), each thread with its own scratch.
#include <algorithm>
#include <atomic>
#include <cstring>

#include "attention/kernels.h"
#include "gemm/gemm.h"
#include "pool.h"

namespace nabla::attn {
namespace {

template <class T>
const AttentionKernels<T>& active();

template <>
const AttentionKernels<float>& active<float>() {
  const char* isa = gemmIsa();
  if (std::strcmp(isa, "avx512") == 0) return avx512::kAttentionF32;
  if (std::strcmp(isa, "avx2") == 0) return avx2::kAttentionF32;
  return scalar::kAttentionF32;
}

template <>
const AttentionKernels<double>& active<double>() {
  const char* isa = gemmIsa();
  if (std::strcmp(isa, "avx512") == 0) return avx512::kAttentionF64;
  if (std::strcmp(isa, "avx2") == 0) return avx2::kAttentionF64;
  return scalar::kAttentionF64;
}

template <class T>
Scratch<T>& scratch() {
  thread_local Scratch<T> s;
  return s;
}

// Numbers each forward call, so that a thread's cached transposed keys never outlive their call.
std::atomic<unsigned long> calls{0};

template <class T>
Head<T> headOf(const Problem& p, int n, const T* q, const T* k, const T* v, const Mask<T>* mask) {
  const int b = n / p.H, h = n % p.H;
  return {q + size_t(n) * p.L * p.D,
          k + size_t(n) * p.S * p.D,
          v + size_t(n) * p.S * p.Dv,
          mask ? mask->data + b * mask->sb + h * mask->sh : nullptr,
          mask ? mask->sl : 0,
          mask ? mask->ss : 0};
}

}  // namespace

template <class T>
void forward(const Problem& p, const T* q, const T* k, const T* v, const Mask<T>* mask, T* out, T* lse) {
  const AttentionKernels<T>& K = active<T>();
  const int blocks = (p.L + kBr - 1) / kBr, heads = p.B * p.H;
  const unsigned long call = ++calls;
  pool::parallelFor(heads * blocks, [&](int task, int) {
    const int n = task / blocks, i0 = (task % blocks) * kBr;
    K.forwardBlock(p, headOf(p, n, q, k, v, mask), i0, std::min(kBr, p.L - i0), out + size_t(n) * p.L * p.Dv,
                   lse + size_t(n) * p.L, scratch<T>(), call);
  });
}

template <class T>
void backward(const Problem& p, const T* q, const T* k, const T* v, const Mask<T>* mask, const T* out,
              const T* lse, const T* dout, T* dq, T* dk, T* dv) {
  const AttentionKernels<T>& K = active<T>();
  pool::parallelFor(p.B * p.H, [&](int n, int) {
    const size_t ql = size_t(n) * p.L, ks = size_t(n) * p.S;
    K.backwardHead(p, headOf(p, n, q, k, v, mask), out + ql * p.Dv, lse + ql, dout + ql * p.Dv, dq + ql * p.D,
                   dk + ks * p.D, dv + ks * p.Dv, scratch<T>());
  });
}

template void forward<float>(const Problem&, const float*, const float*, const float*, const Mask<float>*,
                             float*, float*);
template void forward<double>(const Problem&, const double*, const double*, const double*, const Mask<double>*,
                              double*, double*);
template void backward<float>(const Problem&, const float*, const float*, const float*, const Mask<float>*,
                              const float*, const float*, const float*, float*, float*, float*);
template void backward<double>(const Problem&, const double*, const double*, const double*,
                               const Mask<double>*, const double*, const double*, const double*, double*,
                               double*, double*);

const char* attentionIsa() { return active<float>().isa; }

}  // namespace nabla::attn
