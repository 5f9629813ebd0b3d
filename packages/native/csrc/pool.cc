// The thread pool of pool.h. One job at a time: the caller publishes it by storing an odd `state_`
// (job number * 2 + 1), runs tasks itself, closes the job (even state) and waits until no worker
// is still inside it.
//
// Tasks are dealt in contiguous home ranges, thread t owning [t n / T, (t + 1) n / T); a thread
// runs its own range first, then takes what is left of the others'. So when all threads keep up,
// the same tasks of successive regions land on the same threads (the same columns of a weight
// packed once stay in the same core's L2 across the time steps of a sequence), and when one is
// slowed by another process the rest take over its tasks. A worker announces itself in `active_` BEFORE re-reading the state, and the
// caller closes the state BEFORE reading `active_`, so (all seq_cst) either the caller sees the
// worker and waits for it, or the worker sees the closed job and backs off: no worker can touch a
// job's fields after its caller has returned.
#include "pool.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define NABLA_PAUSE() _mm_pause()
#else
#define NABLA_PAUSE() ((void)0)
#endif

namespace nabla::pool {
namespace {

// An idle worker polls for the next job with pause instructions for kSpin, then with
// sched_yield until kYield (so on a machine busier than its cores the worker hands its core to a
// thread that has work, such as the caller of the next region), then sleeps.
constexpr auto kSpin = std::chrono::microseconds(5);
constexpr auto kYield = std::chrono::microseconds(200);

// The index of this thread in the region it is running a task of, or -1 outside any region.
thread_local int tThread = -1;

class Pool {
 public:
  explicit Pool(int threads) { start(threads); }
  ~Pool() { stop(); }

  int size() const { return size_; }

  void resize(int threads) {
    std::lock_guard<std::mutex> busy(busy_);
    if (threads == size_) return;
    stop();
    start(threads);
  }

  void run(int nTasks, TaskFn fn, void* ctx) {
    if (tThread >= 0) return serial(nTasks, fn, ctx, tThread);  // nested: stay on this thread
    // Another thread's region holds the pool: wait for it rather than share thread indices.
    std::lock_guard<std::mutex> busy(busy_);
    if (size_ == 1 || nTasks == 1) return serial(nTasks, fn, ctx, 0);
    fn_ = fn;
    ctx_ = ctx;
    for (int t = 0; t < size_; ++t) {
      ranges_[t].next.store(int(int64_t(nTasks) * t / size_), std::memory_order_relaxed);
      ranges_[t].end = int(int64_t(nTasks) * (t + 1) / size_);
    }
    const uint64_t job = ++jobs_;
    state_.store(job * 2 + 1);
    if (sleepers_.load() > 0) {
      std::lock_guard<std::mutex> lock(sleep_);
      wake_.notify_all();
    }
    work(0);
    state_.store(job * 2);
    for (int i = 0; active_.load() != 0; ++i) {
      if ((i & 15) == 15) std::this_thread::yield();  // a worker preempted inside a task
      NABLA_PAUSE();
    }
  }

 private:
  static void serial(int nTasks, TaskFn fn, void* ctx, int thread) {
    const int outer = tThread;
    tThread = thread;
    for (int t = 0; t < nTasks; ++t) fn(ctx, t, thread);
    tThread = outer;
  }

  // Claims tasks of the open job, from its home range first, until none is left.
  void work(int thread) {
    tThread = thread;
    for (int r = 0; r < size_; ++r) {
      Range& range = ranges_[(thread + r) % size_];
      for (int t; (t = range.next.fetch_add(1, std::memory_order_relaxed)) < range.end;) fn_(ctx_, t, thread);
    }
    tThread = -1;
  }

  void worker(int thread, uint64_t seen) {
    for (;;) {
      uint64_t s = waitForJob(seen);
      if (s == kStop) return;
      active_.fetch_add(1);
      if (state_.load() == s) work(thread);
      active_.fetch_sub(1);
      seen = s / 2;
    }
  }

  // Spins, then sleeps, until a job newer than `seen` is open (returns its state) or stop.
  uint64_t waitForJob(uint64_t seen) {
    auto fresh = [&](uint64_t s) { return s == kStop || ((s & 1) && s / 2 > seen); };
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0;; ++i) {
      uint64_t s = state_.load();
      if (fresh(s)) return s;
      if ((i & 15) == 15) {
        const auto waited = std::chrono::steady_clock::now() - start;
        if (waited > kYield) break;
        if (waited > kSpin) std::this_thread::yield();
      }
      NABLA_PAUSE();
    }
    std::unique_lock<std::mutex> lock(sleep_);
    sleepers_.fetch_add(1);
    uint64_t s;
    wake_.wait(lock, [&] { return fresh(s = state_.load()); });
    sleepers_.fetch_sub(1);
    return s;
  }

  void start(int threads) {
    size_ = threads < 1 ? 1 : threads;
    ranges_ = std::vector<Range>(size_);
    state_.store(jobs_ * 2);
    for (int t = 1; t < size_; ++t) workers_.emplace_back([this, t, seen = jobs_] { worker(t, seen); });
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lock(sleep_);
      state_.store(kStop);
      wake_.notify_all();
    }
    for (auto& w : workers_) w.join();
    workers_.clear();
  }

  static constexpr uint64_t kStop = ~uint64_t{0};

  int size_ = 1;
  std::vector<std::thread> workers_;
  std::mutex busy_;  // held by the caller of the open job
  std::mutex sleep_;
  std::condition_variable wake_;
  std::atomic<int> sleepers_{0};
  std::atomic<uint64_t> state_{0};
  std::atomic<int> active_{0};
  uint64_t jobs_ = 0;
  // The open job: its function, and the tasks left in each thread's home range.
  TaskFn fn_ = nullptr;
  void* ctx_ = nullptr;
  struct alignas(64) Range {
    std::atomic<int> next{0};
    int end = 0;
  };
  std::vector<Range> ranges_;
};

int defaultThreads() {
  if (const char* env = std::getenv("NABLA_NUM_THREADS")) {
    int n = std::atoi(env);
    if (n > 0) return n;
  }
  unsigned hc = std::thread::hardware_concurrency();
  return hc == 0 ? 1 : static_cast<int>(hc);
}

// Created at the first use and deliberately never destroyed: joining threads from a static
// destructor while Node tears the process down can deadlock.
Pool& pool() {
  static Pool* p = new Pool(defaultThreads());
  return *p;
}

}  // namespace

int numThreads() { return pool().size(); }

void setNumThreads(int n) {
  if (tThread >= 0) return;  // inside a region the pool is held: resizing it would deadlock
  pool().resize(n <= 0 ? defaultThreads() : n);
}

bool inParallelRegion() { return tThread >= 0; }

void parallelForRaw(int nTasks, TaskFn fn, void* ctx) {
  if (nTasks <= 0) return;
  pool().run(nTasks, fn, ctx);
}

}  // namespace nabla::pool
