// How a step's blocks of hidden units are shared by the threads. Each thread has a home slice of
// the blocks, the same at every step, so the packed weights of its blocks stay in ITS core's L2
// for the whole sequence; a thread that has finished its slice takes what is left of the others
// (so a core slowed by another process costs its share, not the whole step). Blocks are claimed
// with one atomic counter per slice, on its own cache line.
#pragma once

#include <algorithm>
#include <atomic>
#include <vector>

#include "pool.h"

namespace nabla::rec {

class BlockSchedule {
 public:
  explicit BlockSchedule(int blocks) : slices_(std::max(1, std::min(blocks, pool::numThreads()))) {
    const int n = static_cast<int>(slices_.size());
    for (int i = 0; i < n; ++i) {
      slices_[i].begin = static_cast<int>(static_cast<long>(blocks) * i / n);
      slices_[i].end = static_cast<int>(static_cast<long>(blocks) * (i + 1) / n);
    }
  }

  // Runs body(block) once for every block, in one parallel region.
  template <class F>
  void run(F&& body) {
    const int n = static_cast<int>(slices_.size());
    for (Slice& s : slices_) s.next.store(s.begin, std::memory_order_relaxed);
    pool::parallelFor(n, [&](int, int thread) {
      for (int k = 0; k < n; ++k) {
        Slice& s = slices_[(thread + k) % n];
        for (int b; (b = s.next.fetch_add(1, std::memory_order_relaxed)) < s.end;) body(b);
      }
    });
  }

 private:
  struct alignas(64) Slice {
    std::atomic<int> next{0};
    int begin = 0, end = 0;
  };
  std::vector<Slice> slices_;
};

}  // namespace nabla::rec
