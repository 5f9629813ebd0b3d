// The GEMM driver: cache blocking, packing and the split across threads, around the micro-kernels
// of the instruction set in use (kernels.h). For one block of C it runs the BLIS loop nest
//   for jc in n step NC:            B columns of one packing pass
//     for pc in k step KC:          pack B[pc:pc+KC, jc:jc+NC] into NR-wide panels (unless prepacked)
//       for ic in m step MC:        pack A[ic:ic+MC, pc:pc+KC] into MR-tall panels
//         for jr in NC step NR:     one B panel (KC x NR) stays in L1 ...
//           for ir in MC step MR:   ... while the A panels stream from L2
//             C[ir:ir+MR, jr:jr+NR] (+)= A panel x B panel      (the micro-kernel)
// A big product is cut into a grid of such blocks, one per thread (each packs its own panels).
#include <algorithm>
#include <cstdlib>

#include "gemm/gemm.h"
#include "gemm/kernels.h"
#include "pool.h"

namespace nabla {
namespace {

// Below this many flops (2 m n k) a product runs on one thread: waking the pool and packing the
// shared operand twice would cost more than the second core gives back.
constexpr double kParallelFlops = 1 << 21;

int ceilDiv(int a, int b) { return (a + b - 1) / b; }

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

// Rows [m0, m1) x columns [n0, n1) of C, on this thread (n0 is a multiple of NR).
template <class T>
void block(const Product<T>& P, int m0, int m1, int n0, int n1) {
  const GemmKernels<T>& K = *P.kernels;
  const int mr = K.mr, nr = K.nr, k = P.k;
  const int kcMax = std::min(K.kc, k), mcMax = std::min(K.mc, m1 - m0), ncMax = std::min(K.nc, n1 - n0);
  T* pa = tPanelsA.get<T>(size_t(ceilDiv(mcMax, mr)) * mr * kcMax);
  T* pb = P.packed ? nullptr : tPanelsB.get<T>(size_t(ceilDiv(ncMax, nr)) * nr * kcMax);
  for (int jc = n0; jc < n1; jc += K.nc) {
    const int nc = std::min(K.nc, n1 - jc);
    for (int pc = 0; pc < k; pc += K.kc) {
      const int kc = std::min(K.kc, k - pc);
      const bool add = P.accumulate || pc > 0;
      const T* bPanels;
      ptrdiff_t bStride;  // between consecutive B panels
      if (P.packed) {
        bPanels = P.packed->panel(jc / nr) + ptrdiff_t(pc) * nr;
        bStride = ptrdiff_t(k) * nr;
      } else {
        for (int jr = 0; jr < nc; jr += nr)
          K.packB(kc, std::min(nr, nc - jr), P.b + pc * P.bs0 + (jc + jr) * P.bs1, P.bs0, P.bs1,
                  pb + ptrdiff_t(jr) * kc);
        bPanels = pb;
        bStride = ptrdiff_t(kc) * nr;
      }
      for (int ic = m0; ic < m1; ic += K.mc) {
        const int mc = std::min(K.mc, m1 - ic);
        for (int ir = 0; ir < mc; ir += mr)
          K.packA(std::min(mr, mc - ir), kc, P.a + (ic + ir) * P.as0 + pc * P.as1, P.as0, P.as1,
                  pa + ptrdiff_t(ir) * kc);
        for (int jr = 0; jr < nc; jr += nr) {
          const T* bp = bPanels + (jr / nr) * bStride;
          for (int ir = 0; ir < mc; ir += mr)
            K.tile(kc, pa + ptrdiff_t(ir) * kc, bp, P.c + (ic + ir) * P.ldc + jc + jr, P.ldc,
                   std::min(mr, mc - ir), std::min(nr, nc - jr), add);
        }
      }
    }
  }
}

// Splits C[:, n0:n1] into a grid of tm x tn blocks, one per thread, choosing the grid that
// minimises a block's work: its multiply-adds plus the packing of its A and B panels.
template <class T>
void run(const Product<T>& P, int n0, int n1) {
  const int m = P.m, n = n1 - n0, k = P.k;
  if (m == 0 || n == 0) return;
  if (k == 0) {
    if (!P.accumulate)
      for (int i = 0; i < m; ++i) std::fill(P.c + i * P.ldc + n0, P.c + i * P.ldc + n1, T(0));
    return;
  }
  const int threads = pool::inParallelRegion() ? 1 : pool::numThreads();
  if (threads == 1 || 2.0 * m * n * k < kParallelFlops) return block(P, 0, m, n0, n1);
  const int mr = P.kernels->mr, nr = P.kernels->nr;
  const int mPanels = ceilDiv(m, mr), nPanels = ceilDiv(n, nr);
  int tm = 1, tn = 1;
  double best = 1e300;
  for (int i = 1; i <= threads; ++i) {
    if (threads % i != 0 || i > mPanels || threads / i > nPanels) continue;
    const double rows = double(ceilDiv(mPanels, i)) * mr, cols = double(ceilDiv(nPanels, threads / i)) * nr;
    const double cost = rows * cols + 4 * (rows + (P.packed ? 0 : cols));
    if (cost < best) best = cost, tm = i, tn = threads / i;
  }
  const int rowsPer = ceilDiv(mPanels, tm) * mr, colsPer = ceilDiv(nPanels, tn) * nr;
  pool::parallelFor(tm * tn, [&](int task, int) {
    const int i0 = (task / tn) * rowsPer, j0 = n0 + (task % tn) * colsPer;
    if (i0 < m && j0 < n1) block(P, i0, std::min(m, i0 + rowsPer), j0, std::min(n1, j0 + colsPer));
  });
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
  if (data_ == nullptr) return;
  const int per = std::max(1, (1 << 16) / std::max(1, k * nr));  // panels per task: ~256 KB
  pool::parallelFor(ceilDiv(panels, per), [&](int task, int) {
    for (int jp = task * per; jp < std::min(panels, task * per + per); ++jp)
      kernels_->packB(k, std::min(nr, n - jp * nr), b + ptrdiff_t(jp) * nr * bs1, bs0, bs1,
                      data_ + size_t(jp) * nr * k);
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
