// How the time loop is shared by the threads. Batch entries are independent: with enough rows,
// each task runs EVERY step on a chunk of the batch (rowChunks), and the threads never wait for
// each other inside the loop (each reads all the packed weights, from its own L2). With few rows,
// each step is one parallel region over blocks of hidden units (BlockSchedule).
//
// BlockSchedule: each thread has a home slice of the blocks, the same at every step, so the
// packed weights of its blocks stay in ITS core's L2 for the whole sequence; a thread that has
// finished its slice takes what is left of the others (so a core slowed by another process costs
// its share, not the whole step). Blocks are claimed with one atomic counter per slice, on its
// own cache line.
#pragma once

#include <algorithm>
#include <atomic>
#include <vector>

#include "pool.h"

namespace nabla::rec {

// The number of row chunks for a batch of B on the pool's threads, or 0: fewer than 8 rows per
// thread, split each step by blocks instead. One chunk per thread, two when each still has 16
// rows (so that a core slowed by another process can hand over its second one; below 16 rows a
// chunk's tiles use the registers less well: 8-row chunks cost 15% more on the 1x256 LSTM).
inline int rowChunks(int B) {
  constexpr int kMinRows = 8, kRows = 16;
  const int threads = pool::numThreads();
  if (threads == 1) return 1;
  if (B < kMinRows * threads) return 0;
  return threads * std::max(1, std::min(2, B / (kRows * threads)));
}

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
