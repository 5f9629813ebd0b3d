// The attention drivers (attention.h): the kernels of the GEMM's instruction set, one pool task per
// head and block of query rows (forward) or per head (backward), each thread with its own scratch.
#include <algorithm>
#include <atomic>
#include <cstring>
#include <vector>

#include "attention/kernels.h"
#include "gemm/gemm.h"
#include "pool.h"

namespace nabla::attn {
namespace {

template <class T>
const AttentionKernels<T>& active();

template <>
const AttentionKernels<float>& active<float>() {
  return forIsa(gemmIsaKind(), avx512::kAttentionF32, avx2::kAttentionF32, scalar::kAttentionF32);
}

template <>
const AttentionKernels<double>& active<double>() {
  return forIsa(gemmIsaKind(), avx512::kAttentionF64, avx2::kAttentionF64, scalar::kAttentionF64);
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

// How many tasks split `count` items with at least `grain` per task: at most 16, whatever the
// number of threads, so that sums over tasks come out the same bit for bit on any machine.
ptrdiff_t taskCount(ptrdiff_t count, ptrdiff_t grain) {
  return std::max<ptrdiff_t>(1, std::min<ptrdiff_t>(16, count / std::max<ptrdiff_t>(grain, 1)));
}

// f(task, begin, end) over contiguous ranges of `count` items, `tasks` of them.
template <class F>
void chunks(ptrdiff_t count, ptrdiff_t tasks, F&& f) {
  pool::parallelFor(int(tasks), [&](int t, int) { f(t, count * t / tasks, count * (t + 1) / tasks); });
}

template <class T>
void gelu(bool tanhForm, const T* x, T* y, T* dy, ptrdiff_t n) {
  const AttentionKernels<T>& K = active<T>();
  chunks(n, taskCount(n, 1 << 14), [&](int, ptrdiff_t i0, ptrdiff_t i1) { K.gelu(tanhForm, x, y, dy, i0, i1); });
}

template <class T>
void layerNorm(int rows, int n, T eps, const T* x, const T* w, const T* b, T* y, T* mean, T* rstd) {
  const AttentionKernels<T>& K = active<T>();
  chunks(rows, taskCount(rows, (1 << 14) / std::max(n, 1) + 1),
         [&](int, ptrdiff_t r0, ptrdiff_t r1) { K.layerNorm(n, eps, x, w, b, y, mean, rstd, int(r0), int(r1)); });
}

template <class T>
void layerNormBackward(int rows, int n, const T* x, const T* w, const T* mean, const T* rstd, const T* g, T* dx,
                       T* dw, T* db) {
  const AttentionKernels<T>& K = active<T>();
  // Each task sums its rows' dw, db into its own slot; the slots are added in task order, so the
  // result does not depend on which thread ran what.
  const ptrdiff_t tasks = taskCount(rows, (1 << 14) / std::max(n, 1) + 1);
  std::vector<T> partial(size_t(tasks) * 2 * n, T(0));
  chunks(rows, tasks, [&](int t, ptrdiff_t r0, ptrdiff_t r1) {
    T* slot = partial.data() + size_t(t) * 2 * n;
    K.layerNormBackward(n, x, w, mean, rstd, g, dx, dw ? slot : nullptr, db ? slot + n : nullptr, int(r0), int(r1));
  });
  for (int j = 0; j < n; ++j) {
    T sw = 0, sb = 0;
    for (int t = 0; t < tasks; ++t) sw += partial[size_t(t) * 2 * n + j], sb += partial[size_t(t) * 2 * n + n + j];
    if (dw) dw[j] = sw;
    if (db) db[j] = sb;
  }
}

template void gelu<float>(bool, const float*, float*, float*, ptrdiff_t);
template void gelu<double>(bool, const double*, double*, double*, ptrdiff_t);
template void layerNorm<float>(int, int, float, const float*, const float*, const float*, float*, float*, float*);
template void layerNorm<double>(int, int, double, const double*, const double*, const double*, double*, double*,
                                double*);
template void layerNormBackward<float>(int, int, const float*, const float*, const float*, const float*,
                                       const float*, float*, float*, float*);
template void layerNormBackward<double>(int, int, const double*, const double*, const double*, const double*,
                                        const double*, double*, double*, double*);

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
