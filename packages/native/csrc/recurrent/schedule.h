// How the time loop is shared by the threads. Batch entries are independent: with enough rows,
// each task runs EVERY step on a chunk of the batch (rowChunks), and the threads never wait for
// each other inside the loop (each reads all the packed weights, from its own L2). With few rows,
// each step is one parallel region over the blocks of hidden units: the pool deals them in home
// ranges (pool.h), so a block's packed weights stay in one core's L2 from step to step.
#pragma once

#include <algorithm>
#include <cstddef>

#include "pool.h"

namespace nabla::rec {

// The number of row chunks for a batch of B on the pool's threads, or 0: split each step by
// blocks instead. Rows need at least 8 per thread, and packed weights (weightBytes, streamed once
// per step by every chunk) that fit a core's L2 (2 MiB here): beyond it each thread streams all
// of them from L3 every step, while the blocks give each thread its share. The 2x512 LSTM's
// char-LM step (4 MiB of W_hh per layer in float32) ran 298 ms in 4 row chunks, 260 in 2 and 250
// by blocks; the 1x256 one (1 MiB forward, 1.25 backward) 36.7 ms by rows, 38.2 by blocks. Two
// chunks per thread when each has 8 rows, so that a core slowed by another process hands its
// second chunk to the other (on a quiet machine 4 chunks of 8 rows run the 1x256 LSTM's forward
// + backward as fast as 2 of 16: 16.5 vs 16.8 ms).
inline int rowChunks(int B, size_t weightBytes) {
  constexpr int kMinRows = 8;
  constexpr size_t kMaxRowWeights = size_t(2) << 20;
  const int threads = pool::numThreads();
  if (threads == 1) return 1;
  if (B < kMinRows * threads || weightBytes > kMaxRowWeights) return 0;
  return threads * std::min(2, B / (kMinRows * threads));
}

}  // namespace nabla::rec
