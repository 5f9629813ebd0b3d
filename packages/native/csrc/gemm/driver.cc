// The GEMM driver: cache blocking, packing and the split across threads, around the micro-kernels
// of the instruction set in use (kernels.h). A product runs in two steps:
//   1. pack all of A (a chunk of rows at a time when it is huge) into MR-tall panels, per KC block
//      of k, once, shared by every thread;
//   2. cut the columns of C into blocks (and the rows into groups when there are few columns),
//      handed out to the threads as tasks; a task runs the BLIS loop nest on its block:
//        for pc in k step KC:          pack B[pc:pc+KC, j0:j1] into NR-wide panels (unless prepacked)
//          for ic in rows step MC:
//            for jr in j0:j1 step NR:  one B panel (KC x NR) stays in L1 ...
//              for ir in MC step MR:   ... while the A panels stream from L2
//                C[ir:ir+MR, jr:jr+NR] (+)= A panel x B panel      (the micro-kernel)
//      When the task has a single row block (m <= MC: the recurrent products), each B panel is
//      packed just before its tiles instead, so it goes from B to L1 and is used there (hW
//      [32x256]x[256x1024] 130 -> 150 GFLOP/s).
// Nothing is packed twice, and several tasks per thread keep both cores busy when one of them is
// slowed by another process. Small products skip packing: up to 256 multiply-adds a plain loop,
// up to 64^3 the micro-kernel reading A and B in place.
#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "gemm/gemm.h"
#include "gemm/kernels.h"
#include "pool.h"

namespace nabla {
namespace {

// Below this many flops (2 m n k, ~25 us on one AVX-512 core) a product runs on one thread: a
// parallel region costs ~0.3 us while the workers poll but ~10 us once they sleep (measured on the
// 2-core machine), which would eat what the second core gives back on a smaller product.
constexpr double kParallelFlops = 1 << 22;
// Tasks per thread when a product is split: enough to rebalance when a core is busy elsewhere.
constexpr int kTasksPerThread = 4;
// Up to this many multiply-adds (m n k) a product is a plain loop: packing costs ~90 ns, more
// than the whole product below ~300 (measured: 6^3 takes 140 ns plain, 190 ns packed; 8^3 285
// against 208).
constexpr double kDirect = 256;
// Up to this many multiply-adds (64^3), when B has unit column stride and the instruction set has
// an in-place tile, a product reads A and B where they are instead of packing them (measured on
// AVX-512: 16^3 0.41 -> 0.12 us, 32^3 0.55 -> 0.43, 64^3 4.2 -> 3.7; 96^3 is faster packed).
constexpr double kInPlace = double(1 << 18);
// A is packed in chunks of rows of at most this many elements (and packed in parallel above 2^16).
constexpr size_t kMaxPackedA = size_t(1) << 22;
constexpr size_t kParallelPackA = size_t(1) << 16;

int ceilDiv(int a, int b) { return a / b + (a % b != 0); }

// Packed panels of one thread, grown on demand and kept for the next call.
class Scratch {
 public:
  ~Scratch() { std::free(p_); }
  template <class T>
  T* get(size_t count) {
    size_t need = (count * sizeof(T) + 63) & ~size_t{63};
    if (need > bytes_) {
      std::free(p_);
      p_ = std::aligned_alloc(64, need);
      bytes_ = need;
      if (p_ == nullptr) std::abort();  // a few MB at most (A is packed in chunks)
    }
    return static_cast<T*>(p_);
  }

 private:
  void* p_ = nullptr;
  size_t bytes_ = 0;
};

thread_local Scratch tPanelsA, tPanelsB;

template <class T>
struct Product {
  const GemmKernels<T>* kernels;
  int m, n, k;
  const T* a;
  ptrdiff_t as0, as1;
  const T* b;  // raw B, when packed is null
  ptrdiff_t bs0, bs1;
  const PackedB<T>* packed;
  T* c;
  ptrdiff_t ldc;
  bool accumulate;
};

// Rows [r0, r0 + rows) of A, packed: the KC block starting at step pc holds ceil(rows / MR) panels
// of kc x MR from pa + pc * rowsPadded.
template <class T>
struct PackedA {
  const T* pa;
  int r0, rowsPadded;
};

template <class T>
PackedA<T> packA(const Product<T>& P, int r0, int rows, bool parallel) {
  const GemmKernels<T>& K = *P.kernels;
  const int padded = ceilDiv(rows, K.mr) * K.mr, kBlocks = ceilDiv(P.k, K.kc), mBlocks = ceilDiv(rows, K.mc);
  T* pa = tPanelsA.get<T>(size_t(padded) * P.k);
  auto pack = [&](int task, int) {
    const int pc = (task / mBlocks) * K.kc, ic = (task % mBlocks) * K.mc;
    const int kc = std::min(K.kc, P.k - pc);
    K.packA(std::min(K.mc, rows - ic), kc, P.a + (r0 + ic) * P.as0 + pc * P.as1, P.as0, P.as1,
            pa + size_t(pc) * padded + size_t(ic) * kc);
  };
  if (parallel && size_t(rows) * P.k >= kParallelPackA) pool::parallelFor(kBlocks * mBlocks, pack);
  else
    for (int t = 0; t < kBlocks * mBlocks; ++t) pack(t, 0);
  return {pa, r0, padded};
}

// C[i0:i1, j0:j1] on this thread, A from its packed panels (i0 - A.r0 a multiple of MR).
template <class T>
void block(const Product<T>& P, const PackedA<T>& A, int i0, int i1, int j0, int j1) {
  const GemmKernels<T>& K = *P.kernels;
  const int mr = K.mr, nr = K.nr, k = P.k, nc = j1 - j0;
  const int bPanels = i1 - i0 <= K.mc ? 1 : ceilDiv(nc, nr);  // B panels packed at a time
  T* pb = P.packed ? nullptr : tPanelsB.get<T>(size_t(bPanels) * nr * std::min(K.kc, k));
  for (int pc = 0; pc < k; pc += K.kc) {
    const int kc = std::min(K.kc, k - pc);
    const bool add = P.accumulate || pc > 0;
    const T* bPanels = pb;
    ptrdiff_t bStride = ptrdiff_t(kc) * nr;  // between consecutive B panels
    if (P.packed) {
      bPanels = P.packed->panel(j0 / nr) + ptrdiff_t(pc) * nr;
      bStride = ptrdiff_t(k) * nr;
    } else if (i1 - i0 <= K.mc) {
      // One row block: each B panel is packed right before its tiles use it, from L1.
      const T* aPanels = A.pa + size_t(pc) * A.rowsPadded - size_t(A.r0) * kc;
      for (int jr = 0; jr < nc; jr += nr) {
        K.packB(kc, std::min(nr, nc - jr), P.b + pc * P.bs0 + (j0 + jr) * P.bs1, P.bs0, P.bs1, pb);
        for (int ir = i0; ir < i1; ir += mr)
          K.tile(kc, aPanels + ptrdiff_t(ir) * kc, pb, P.c + ir * P.ldc + j0 + jr, P.ldc, std::min(mr, i1 - ir),
                 std::min(nr, nc - jr), add);
      }
      continue;
    } else {
      K.packB(kc, nc, P.b + pc * P.bs0 + j0 * P.bs1, P.bs0, P.bs1, pb);
    }
    const T* aPanels = A.pa + size_t(pc) * A.rowsPadded - size_t(A.r0) * kc;
    for (int ic = i0; ic < i1; ic += K.mc) {
      const int ie = std::min(i1, ic + K.mc);
      for (int jr = 0; jr < nc; jr += nr)
        for (int ir = ic; ir < ie; ir += mr)
          K.tile(kc, aPanels + ptrdiff_t(ir) * kc, bPanels + (jr / nr) * bStride, P.c + ir * P.ldc + j0 + jr,
                 P.ldc, std::min(mr, ie - ir), std::min(nr, nc - jr), add);
    }
  }
}

// Rows [r0, r1) of C[:, n0:n1], A packed: tasks of column blocks (and row groups when the
// columns alone give too few tasks), spread over `threads`.
template <class T>
void compute(const Product<T>& P, const PackedA<T>& A, int r0, int r1, int n0, int n1, int threads) {
  const GemmKernels<T>& K = *P.kernels;
  const int nPanels = ceilDiv(n1 - n0, K.nr), mPanels = ceilDiv(r1 - r0, K.mr);
  const int target = threads == 1 ? 1 : threads * kTasksPerThread;
  const int width = std::min(std::max(1, K.nc / K.nr), ceilDiv(nPanels, target));  // panels per task
  const int colTasks = ceilDiv(nPanels, width);
  const int rowTasks = std::min(mPanels, std::max(1, target / colTasks));
  const int height = ceilDiv(mPanels, rowTasks) * K.mr;
  auto task = [&](int t, int) {
    const int i0 = r0 + (t / colTasks) * height, j0 = n0 + (t % colTasks) * width * K.nr;
    if (i0 < r1) block(P, A, i0, std::min(r1, i0 + height), j0, std::min(n1, j0 + width * K.nr));
  };
  if (threads > 1) pool::parallelFor(rowTasks * colTasks, task);
  else
    for (int t = 0; t < rowTasks * colTasks; ++t) task(t, 0);
}

// C[:, n0:n1] (+)= A B without packing, for tiny products (unpacked B only).
template <class T>
void direct(const Product<T>& P, int n0, int n1) {
  for (int i = 0; i < P.m; ++i)
    for (int j = n0; j < n1; ++j) {
      T sum = 0;
      for (int p = 0; p < P.k; ++p) sum += P.a[i * P.as0 + p * P.as1] * P.b[p * P.bs0 + j * P.bs1];
      T& c = P.c[i * P.ldc + j];
      c = P.accumulate ? c + sum : sum;
    }
}

// C[:, n0:n1] (+)= A B by in-place tiles: small products, B with unit column stride.
template <class T>
void inPlace(const Product<T>& P, int n0, int n1) {
  const GemmKernels<T>& K = *P.kernels;
  for (int jr = n0; jr < n1; jr += K.nr)
    for (int ir = 0; ir < P.m; ir += K.mr)
      K.tileInPlace(P.k, P.a + ir * P.as0, P.as0, P.as1, P.b + jr, P.bs0, P.c + ir * P.ldc + jr, P.ldc,
                    std::min(K.mr, P.m - ir), std::min(K.nr, n1 - jr), P.accumulate);
}

template <class T>
void run(const Product<T>& P, int n0, int n1) {
  const int m = P.m, k = P.k;
  if (m == 0 || n1 <= n0) return;
  if (k == 0) {
    if (!P.accumulate)
      for (int i = 0; i < m; ++i) std::fill(P.c + i * P.ldc + n0, P.c + i * P.ldc + n1, T(0));
    return;
  }
  const double macs = double(m) * (n1 - n0) * k;
  if (!P.packed && macs <= kDirect) return direct(P, n0, n1);
  if (!P.packed && P.bs1 == 1 && P.kernels->tileInPlace && macs <= kInPlace)
    return inPlace(P, n0, n1);
  const int mc = P.kernels->mc;
  const bool parallel = !pool::inParallelRegion() && pool::numThreads() > 1 &&
                        2.0 * m * (n1 - n0) * k >= kParallelFlops;
  const int threads = parallel ? pool::numThreads() : 1;
  const int chunk = size_t(m) * k <= kMaxPackedA ? m : std::max(mc, int(kMaxPackedA / k) / mc * mc);
  for (int r0 = 0; r0 < m; r0 += chunk) {
    const int r1 = std::min(m, r0 + chunk);
    compute(P, packA(P, r0, r1 - r0, parallel), r0, r1, n0, n1, threads);
  }
}

template <class T>
T* allocPanels(size_t count, size_t* bytes) {
  *bytes = (count * sizeof(T) + 63) & ~size_t{63};
  return *bytes == 0 ? nullptr : static_cast<T*>(std::aligned_alloc(64, *bytes));
}

}  // namespace

template <class T>
void gemm(int m, int n, int k, const T* a, ptrdiff_t as0, ptrdiff_t as1, const T* b, ptrdiff_t bs0,
          ptrdiff_t bs1, T* c, ptrdiff_t ldc, bool accumulate) {
  run(Product<T>{&activeKernels<T>(), m, n, k, a, as0, as1, b, bs0, bs1, nullptr, c, ldc, accumulate},
      0, n);
}

template <class T>
PackedB<T>::PackedB(int k, int n, const T* b, ptrdiff_t bs0, ptrdiff_t bs1)
    : k_(k), n_(n), kernels_(&activeKernels<T>()) {
  const int nr = kernels_->nr, panels = ceilDiv(n, nr);
  data_ = allocPanels<T>(size_t(panels) * nr * k, &bytes_);
  if (data_ == nullptr) {
    bytes_ = 0;
    return;
  }
  const int per = int(std::max<int64_t>(1, (int64_t(1) << 16) / std::max<int64_t>(1, int64_t(k) * nr)));  // ~256 KB
  pool::parallelFor(ceilDiv(panels, per), [&](int task, int) {
    const int j0 = task * per * nr;
    kernels_->packB(k, std::min(per * nr, n - j0), b + ptrdiff_t(j0) * bs1, bs0, bs1,
                    data_ + size_t(j0) * k);
  });
}

template <class T>
PackedB<T>::~PackedB() {
  std::free(data_);
}

template <class T>
PackedB<T>::PackedB(PackedB&& o) noexcept
    : k_(o.k_), n_(o.n_), bytes_(o.bytes_), data_(o.data_), kernels_(o.kernels_) {
  o.data_ = nullptr;
  o.bytes_ = 0;
}

template <class T>
PackedB<T>& PackedB<T>::operator=(PackedB&& o) noexcept {
  if (this != &o) {
    std::free(data_);
    k_ = o.k_, n_ = o.n_, bytes_ = o.bytes_, data_ = o.data_, kernels_ = o.kernels_;
    o.data_ = nullptr;
    o.bytes_ = 0;
  }
  return *this;
}

template <class T>
int PackedB<T>::panelWidth() const {
  return kernels_->nr;
}

template <class T>
const T* PackedB<T>::panel(int jp) const {
  return data_ + size_t(jp) * kernels_->nr * k_;
}

template <class T>
void gemmPacked(int m, const T* a, ptrdiff_t as0, ptrdiff_t as1, const PackedB<T>& packed, int n0,
                int n1, T* c, ptrdiff_t ldc, bool accumulate) {
  run(Product<T>{&packed.kernels(), m, packed.n(), packed.k(), a, as0, as1, nullptr, 0, 0, &packed, c,
                 ldc, accumulate},
      n0, n1);
}

template <class T>
void gemmPacked(int m, const T* a, ptrdiff_t as0, ptrdiff_t as1, const PackedB<T>& packed, T* c,
                ptrdiff_t ldc, bool accumulate) {
  gemmPacked(m, a, as0, as1, packed, 0, packed.n(), c, ldc, accumulate);
}

template void gemm<float>(int, int, int, const float*, ptrdiff_t, ptrdiff_t, const float*, ptrdiff_t,
                          ptrdiff_t, float*, ptrdiff_t, bool);
template void gemm<double>(int, int, int, const double*, ptrdiff_t, ptrdiff_t, const double*,
                           ptrdiff_t, ptrdiff_t, double*, ptrdiff_t, bool);
template class PackedB<float>;
template class PackedB<double>;
template void gemmPacked<float>(int, const float*, ptrdiff_t, ptrdiff_t, const PackedB<float>&,
                                float*, ptrdiff_t, bool);
template void gemmPacked<double>(int, const double*, ptrdiff_t, ptrdiff_t, const PackedB<double>&,
                                 double*, ptrdiff_t, bool);
template void gemmPacked<float>(int, const float*, ptrdiff_t, ptrdiff_t, const PackedB<float>&, int,
                                int, float*, ptrdiff_t, bool);
template void gemmPacked<double>(int, const double*, ptrdiff_t, ptrdiff_t, const PackedB<double>&,
                                 int, int, double*, ptrdiff_t, bool);

}  // namespace nabla
