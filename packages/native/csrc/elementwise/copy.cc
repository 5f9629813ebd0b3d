// copy: a strided view into contiguous out, converting the dtype as a JS typed-array store does
// (to int32: truncate toward zero, wrap modulo 2^32, NaN and +-Infinity to 0).
#include <cmath>
#include <type_traits>

#include "elementwise/drivers.h"

namespace nabla::ew {
namespace {

// ECMAScript's ToInt32.
int32_t toInt32(double d) {
  if (!std::isfinite(d)) return 0;
  if (std::fabs(d) < 2147483648.0) return int32_t(d);
  double m = std::fmod(std::trunc(d), 4294967296.0);
  if (m < 0) m += 4294967296.0;
  return int32_t(uint32_t(m));
}

template <class S, class D>
D convert(S v) {
  if constexpr (std::is_same_v<D, int32_t> && !std::is_same_v<S, int32_t>) return toInt32(double(v));
  else return D(v);
}

template <class S, class D>
void copyRow(const void* src, int64_t s, int64_t n, void* dst) {
  const S* p = static_cast<const S*>(src);
  D* o = static_cast<D*>(dst);
  for (int64_t i = 0; i < n; i++) o[i] = convert<S, D>(p[i * s]);
}

using CopyRow = void (*)(const void*, int64_t, int64_t, void*);

template <class S>
CopyRow pick(DType to) {
  return to == F32 ? copyRow<S, float> : to == F64 ? copyRow<S, double> : copyRow<S, int32_t>;
}

}  // namespace

bool runCopy(const Buffer* bufs, const int32_t* meta, int64_t metaLen, Err& err) {
  static const char* const names[] = {"x", "out"};
  Array arr[2];
  Layout L;
  int32_t extra;
  if (!parseCall("copy", names, 1, bufs, meta, metaLen, arr, L, extra, err)) return false;
  const Array &x = arr[0], &out = arr[1];
  if (out.length != L.size)
    return err.fail("copy: out has %lld elements, the view %lld", (long long)out.length, (long long)L.size);
  collapse(L);
  const CopyRow f = x.dtype == F32 ? pick<float>(out.dtype) : x.dtype == F64 ? pick<double>(out.dtype)
                                                                             : pick<int32_t>(out.dtype);
  const int64_t sx = L.strides[0][L.nd - 1];
  const bool same = x.dtype == out.dtype;
  forEachRowParallel(L, [&](const int64_t* off, int64_t n) {
    if (same) gather(at(x, off[0]), sx, n, dtypeSize(x.dtype), at(out, off[1]));
    else f(at(x, off[0]), sx, n, at(out, off[1]));
  });
  return true;
}

}  // namespace nabla::ew
