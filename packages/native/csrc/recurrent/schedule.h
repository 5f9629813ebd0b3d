// How the time loop is shared by the threads. Batch entries are independent: with enough rows,
// each task runs EVERY step on a chunk of the batch (rowChunks), and the threads never wait for
// each other inside the loop (each reads all the packed weights, from its own L2). With few rows,
// each step is one parallel region over the blocks of hidden units: the pool deals them in home
// ranges (pool.h), so a block's packed weights stay in one core's L2 from step to step.
#pragma once

#include <algorithm>

#include "pool.h"

namespace nabla::rec {

// The number of row chunks for a batch of B on the pool's threads, or 0: fewer than 8 rows per
// thread, split each step by blocks instead. Two chunks per thread when each has 8 rows, so that
// a core slowed by another process hands its second chunk to the other (on a quiet machine 4
// chunks of 8 rows run the 1x256 LSTM's forward + backward as fast as 2 of 16: 16.5 vs 16.8 ms).
inline int rowChunks(int B) {
  constexpr int kMinRows = 8;
  const int threads = pool::numThreads();
  if (threads == 1) return 1;
  if (B < kMinRows * threads) return 0;
  return threads * std::min(2, B / (kMinRows * threads));
}

}  // namespace nabla::rec
