#include "elementwise/layout.h"

#include "pool.h"

namespace nabla::ew {

bool parseCall(const char* op, const char* const* names, int nIn, const Buffer* bufs, const int32_t* meta,
               int64_t metaLen, Array* arrays, Layout& L, int32_t& extra, Err& err) {
  const int nd = metaLen > 0 ? meta[0] : -1;
  if (nd < 0 || nd > kMaxDims)
    return err.fail("%s: the layout must start with a rank in [0, %d], got %d", op, kMaxDims, nd);
  const int64_t want = 2 + 3 * (nIn + 1) + nIn + int64_t(nd) * (1 + nIn);
  if (metaLen < want)
    return err.fail("%s: a rank-%d layout of %d input(s) needs %lld words, got %lld", op, nd, nIn,
                    (long long)want, (long long)metaLen);
  extra = meta[1];
  const int32_t* p = meta + 2;
  for (int j = 0; j <= nIn; j++, p += 3) {
    const int32_t type = p[0], start = p[1], length = p[2];
    if (type < 0 || type >= kDTypes) return err.fail("%s: %s has unknown dtype code %d", op, names[j], type);
    const int64_t size = int64_t(dtypeSize(DType(type)));
    if (start < 0 || length < 0 || (int64_t(start) + length) * size > bufs[j].bytes)
      return err.fail("%s: %s (%s elements %d..%lld) lies outside its buffer of %lld bytes", op, names[j],
                      kDTypeNames[type], start, (long long)start + length, (long long)bufs[j].bytes);
    arrays[j] = {static_cast<char*>(bufs[j].data) + start * size, length, DType(type)};
  }
  const int32_t* offsets = p;
  const int32_t* shape = offsets + nIn;
  L.nd = nd;
  L.k = nIn + 1;
  L.size = 1;
  for (int d = 0; d < nd; d++) {
    if (shape[d] < 0) return err.fail("%s: axis %d has negative length %d", op, d, shape[d]);
    L.shape[d] = shape[d];
    L.size *= shape[d];
    if (L.size > (int64_t(1) << 48)) return err.fail("%s: the shape has more than 2^48 elements", op);
  }
  for (int j = 0; j < nIn; j++) {
    const int32_t* s = shape + nd * (1 + j);
    L.offset[j] = offsets[j];
    __int128 lo = L.offset[j], hi = L.offset[j];
    for (int d = 0; d < nd; d++) {
      L.strides[j][d] = s[d];
      const __int128 span = __int128(s[d]) * (L.shape[d] - 1);
      (span < 0 ? lo : hi) += span;
    }
    if (L.size > 0 && (lo < 0 || hi >= arrays[j].length))
      return err.fail("%s: %s's view (offset %lld) reads elements %lld..%lld of a %s array of %lld", op,
                      names[j], (long long)L.offset[j], (long long)lo, (long long)hi,
                      kDTypeNames[arrays[j].dtype], (long long)arrays[j].length);
  }
  // The output: contiguous row-major, offset 0.
  L.offset[nIn] = 0;
  int64_t stride = 1;
  for (int d = nd - 1; d >= 0; d--) {
    L.strides[nIn][d] = stride;
    stride *= L.shape[d];
  }
  return true;
}

// NOTE: below 64K elements a split costs more than it saves (a region starts in ~1 us; a
// 64K-element add takes ~10 us, a float32 exp ~40 us). Four tasks per thread balance threads
// that other processes slow down.
int parallelTasks(int64_t size) {
  constexpr int64_t kMin = int64_t(1) << 16;
  if (size < kMin || pool::inParallelRegion()) return 1;
  const int threads = pool::numThreads();
  if (threads <= 1) return 1;
  const int64_t tasks = size / (kMin / 4) < 4 * threads ? size / (kMin / 4) : 4 * threads;
  return int(tasks);
}

void runTaskList(int tasks, void (*fn)(void* ctx, int t), void* ctx) {
  struct Ctx {
    void (*fn)(void*, int);
    void* ctx;
  } c{fn, ctx};
  pool::parallelFor(tasks, [&c](int t, int) { c.fn(c.ctx, t); });
}

void collapse(Layout& L) {
  int n = 0;
  for (int d = 0; d < L.nd; d++) {
    if (L.shape[d] == 1) continue;
    const bool merge = n > 0 && [&] {
      for (int j = 0; j < L.k; j++)
        if (L.strides[j][n - 1] != L.strides[j][d] * L.shape[d]) return false;
      return true;
    }();
    if (merge) {
      L.shape[n - 1] *= L.shape[d];
      for (int j = 0; j < L.k; j++) L.strides[j][n - 1] = L.strides[j][d];
    } else {
      L.shape[n] = L.shape[d];
      for (int j = 0; j < L.k; j++) L.strides[j][n] = L.strides[j][d];
      n++;
    }
  }
  if (n == 0) {  // a scalar, or every axis of length 1
    L.shape[0] = 1;
    for (int j = 0; j < L.k; j++) L.strides[j][0] = 0;
    n = 1;
  }
  L.nd = n;
}

}  // namespace nabla::ew
