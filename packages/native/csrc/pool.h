// A persistent thread pool shared by every kernel of the addon (GEMM, elementwise, recurrent).
//
// The pool owns numThreads() - 1 worker threads; the thread that calls parallelFor is the other
// one. Workers are started once (never one per call). Between parallel regions a worker spins for
// a few tens of microseconds, so back-to-back regions (one per LSTM time step) start in well under
// a microsecond, then sleeps on a condition variable, so an idle pool burns no CPU.
//
// Size: std::thread::hardware_concurrency(), or the environment variable NABLA_NUM_THREADS when it
// is set (read once, at the first use), or setNumThreads(n) at run time.
#pragma once

#include <type_traits>

namespace nabla::pool {

// The number of threads a parallel region runs on (the caller included), >= 1.
int numThreads();

// Resizes the pool to n threads (the caller included); n <= 0 restores the default size. Waits
// for a region running on another thread to finish; does nothing inside a parallel region.
void setNumThreads(int n);

// True on a thread that is running a task of a parallel region (the caller's or a worker's).
bool inParallelRegion();

// The type-erased body of a parallel region: fn(ctx, task, thread).
using TaskFn = void (*)(void* ctx, int task, int thread);

void parallelForRaw(int nTasks, TaskFn fn, void* ctx);

// Runs fn(task, thread) for every task in [0, nTasks) and returns when all have finished. Each
// thread first runs its home range of tasks, [thread * nTasks / T, (thread + 1) * nTasks / T) for
// T = numThreads() (so task i of successive regions runs on the same thread, its data warm in that
// core's caches), then claims the tasks left in the others' ranges. `thread` is in
// [0, numThreads()) and is unique among the threads running the region, so it can index
// per-thread scratch memory. A parallelFor inside a task runs all its tasks on that task's thread
// (with that thread's index), so kernels may nest freely; one called from another OS thread while
// a region is running waits for it to finish.
template <class F>
void parallelFor(int nTasks, F&& fn) {
  using Fn = typename std::remove_reference<F>::type;
  parallelForRaw(
      nTasks, [](void* ctx, int task, int thread) { (*static_cast<Fn*>(ctx))(task, thread); },
      const_cast<void*>(static_cast<const void*>(&fn)));
}

}  // namespace nabla::pool
