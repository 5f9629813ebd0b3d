#include "elementwise/layout.h"

namespace nabla::ew {



bool parseLayout(const char* op, const int32_t* meta, int64_t metaLen, int nIn, const Array* in,
                 int extra, Layout& L, Err& err) {
  const int nd = metaLen > 0 ? meta[0] : -1;
  if (nd < 0 || nd > kMaxDims)
    return err.fail("%s: the layout must start with a rank in [0, %d], got %d", op, kMaxDims, nd);
  const int64_t want = 1 + extra + nIn + int64_t(nd) * (1 + nIn);
  if (metaLen < want)
    return err.fail("%s: a rank-%d layout of %d operand(s) needs %lld entries, got %lld", op, nd, nIn,
                    (long long)want, (long long)metaLen);
  meta += extra;  // past nd and the caller's entries
  const int32_t* shape = meta + 1 + nIn;
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
    L.offset[j] = meta[1 + j];
    __int128 lo = L.offset[j], hi = L.offset[j];
    for (int d = 0; d < nd; d++) {
      L.strides[j][d] = s[d];
      const __int128 span = __int128(s[d]) * (L.shape[d] - 1);
      (span < 0 ? lo : hi) += span;
    }
    if (L.size > 0 && (lo < 0 || hi >= in[j].length))
      return err.fail("%s: operand %d's view (offset %lld) reads elements %lld..%lld of a %s array of "
                      "%lld",
                      op, j, (long long)L.offset[j], (long long)lo, (long long)hi, kDTypeNames[in[j].dtype],
                      (long long)in[j].length);
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
