// reduce: out[kept] = op over the reduced axes of a strided x. The kept and the reduced axes are
// collapsed separately; then three shapes of work:
//   rows:    the reduced axes are one contiguous run: one row kernel per kept element;
//   columns: the reduced axes are one strided axis and the last kept axis is contiguous (a bias
//            gradient [T*B, G] -> [G]): one column kernel per block of kept rows;
//   other:   the view is gathered (kept axes first) into a contiguous copy, then reduced as rows.
#include <algorithm>
#include <vector>

#include "elementwise/drivers.h"
#include "elementwise/kernels.h"

namespace nabla::ew {
namespace {

// A layout of x alone over the given axes (shape and strides), collapsed.
Layout sub(const Layout& x, const int* axes, int n) {
  Layout L;
  L.k = 1;
  L.nd = n;
  L.size = 1;
  L.offset[0] = x.offset[0];
  for (int i = 0; i < n; i++) {
    L.shape[i] = x.shape[axes[i]];
    L.strides[0][i] = x.strides[0][axes[i]];
    L.size *= L.shape[i];
  }
  collapse(L);
  return L;
}

}  // namespace

bool runReduce(int op, const Buffer* bufs, const int32_t* meta, int64_t metaLen, Err& err) {
  if (op < 0 || op >= kReduceOps) return err.fail("reduce: unknown op %d", op);
  const char* name = kReduceNames[op];
  static const char* const names[] = {"x", "out"};
  Array arr[2];
  Layout L;
  int32_t extra;
  if (!parseCall(name, names, 1, bufs, meta, metaLen, arr, L, extra, err)) return false;
  const Array &x = arr[0], &out = arr[1];
  const DType want = isArg(op) ? I32 : x.dtype;
  if (out.dtype != want)
    return err.fail("%s: out must be %s, got %s", name, kDTypeNames[want], kDTypeNames[out.dtype]);
  const uint32_t mask = uint32_t(extra);
  if (L.nd < 32 && (mask >> L.nd) != 0)
    return err.fail("%s: the axes mask 0x%x names axes beyond rank %d", name, mask, L.nd);
  int kept[kMaxDims], reduced[kMaxDims], nk = 0, nr = 0;
  int64_t outSize = 1, len = 1;
  for (int d = 0; d < L.nd; d++) {
    if (mask >> d & 1) reduced[nr++] = d, len *= L.shape[d];
    else kept[nk++] = d, outSize *= L.shape[d];
  }
  if (out.length != outSize)
    return err.fail("%s: out has %lld elements, the kept axes %lld", name, (long long)out.length,
                    (long long)outSize);
  if (outSize == 0) return true;
  const size_t osize = dtypeSize(out.dtype);
  if (len == 0) {
    if (op != kSum) return err.fail("%s: cannot reduce an empty axis", name);
    for (int64_t i = 0; i < outSize * int64_t(osize); i++) static_cast<char*>(out.data)[i] = 0;
    return true;
  }
  const RowReduce f = kernels().reduceRow[op][x.dtype];
  const ColReduce fc = kernels().reduceCol[op][x.dtype];
  const Layout K = sub(L, kept, nk), R = sub(L, reduced, nr);
  const int64_t rs = R.shape[0] == 1 ? 1 : R.strides[0][0];
  char* o = static_cast<char*>(out.data);
  if (R.nd == 1 && rs == 1) {
    // One row kernel per kept element; many kept elements are split over the pool.
    const auto part = [&](int64_t begin, int64_t end) {
      char* oo = o + begin * int64_t(osize);
      forEachRow(K, begin, end, [&](const int64_t* off, int64_t n) {
        for (int64_t i = 0; i < n; i++, oo += osize) f(at(x, off[0] + i * K.strides[0][K.nd - 1]), len, oo);
      });
    };
    const int64_t tasks = std::min<int64_t>(parallelTasks(outSize * len), outSize / 16);
    if (tasks <= 1) {
      part(0, outSize);
    } else {
      const int64_t chunk = (outSize + tasks - 1) / tasks;
      runTasks(int(tasks), [&](int t) { part(t * chunk, std::min(outSize, (t + 1) * chunk)); });
    }
    return true;
  }
  if (R.nd == 1 && K.strides[0][K.nd - 1] == 1 && K.shape[K.nd - 1] > 1) {
    // The column kernel over the last kept axis; wide ones are split over the pool by columns.
    const int64_t cols = K.shape[K.nd - 1];
    Layout outer = K;
    outer.shape[K.nd - 1] = 1;  // walk the other kept axes; the kernel takes the columns
    outer.size = K.size / cols;
    const auto part = [&](int64_t c0, int64_t c1) {
      int64_t row = 0;
      forEachRow(outer, [&](const int64_t* off, int64_t) {
        fc(at(x, off[0] + c0), rs, len, c1 - c0, o + (row++ * cols + c0) * int64_t(osize));
      });
    };
    const int64_t tasks = std::min<int64_t>(parallelTasks(outSize * len), cols / 64);
    if (tasks <= 1) {
      part(0, cols);
    } else {
      const int64_t chunk = ((cols + tasks - 1) / tasks + 63) / 64 * 64;
      runTasks(int(tasks), [&](int t) { part(std::min(cols, t * chunk), std::min(cols, (t + 1) * chunk)); });
    }
    return true;
  }
  // Other axis patterns: gather kept-then-reduced into a contiguous copy, reduce its rows.
  int perm[kMaxDims];
  for (int i = 0; i < nk; i++) perm[i] = kept[i];
  for (int i = 0; i < nr; i++) perm[nk + i] = reduced[i];
  Layout P = sub(L, perm, nk + nr);
  const size_t esize = dtypeSize(x.dtype);
  std::vector<char> tmp(size_t(outSize * len) * esize);
  char* t = tmp.data();
  forEachRow(P, [&](const int64_t* off, int64_t n) {
    gather(at(x, off[0]), P.strides[0][P.nd - 1], n, esize, t);
    t += n * int64_t(esize);
  });
  for (int64_t r = 0; r < outSize; r++) f(tmp.data() + r * len * int64_t(esize), len, o + r * int64_t(osize));
  return true;
}

}  // namespace nabla::ew
