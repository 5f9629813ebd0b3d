// unary: out = op(x) over a strided x, out contiguous. A row with unit stride goes straight to
// the kernel; any other row is first gathered into out and transformed in place.
#include <cstring>

#include "elementwise/drivers.h"
#include "elementwise/kernels.h"

namespace nabla::ew {

void gather(const char* src, int64_t s, int64_t n, size_t size, char* dst) {
  if (s == 1) {
    std::memcpy(dst, src, size_t(n) * size);
  } else if (size == 8) {
    const int64_t* p = reinterpret_cast<const int64_t*>(src);
    int64_t* o = reinterpret_cast<int64_t*>(dst);
    for (int64_t i = 0; i < n; i++) o[i] = p[i * s];
  } else {
    const int32_t* p = reinterpret_cast<const int32_t*>(src);
    int32_t* o = reinterpret_cast<int32_t*>(dst);
    for (int64_t i = 0; i < n; i++) o[i] = p[i * s];
  }
}

bool runUnary(int op, const Buffer* bufs, const int32_t* meta, int64_t metaLen, Err& err) {
  if (op < 0 || op >= kUnaryOps) return err.fail("unary: unknown op %d", op);
  const char* name = kUnaryNames[op];
  static const char* const names[] = {"x", "out"};
  Array arr[2];
  Layout L;
  int32_t extra;
  if (!parseCall(name, names, 1, bufs, meta, metaLen, arr, L, extra, err)) return false;
  const Array &x = arr[0], &out = arr[1];
  if (out.dtype != x.dtype)
    return err.fail("%s: out must be %s like x, got %s", name, kDTypeNames[x.dtype], kDTypeNames[out.dtype]);
  const UnaryRow f = kernels().unary[op][x.dtype];
  if (f == nullptr) return err.fail("%s: not defined for %s", name, kDTypeNames[x.dtype]);
  if (out.length != L.size)
    return err.fail("%s: out has %lld elements, the view %lld", name, (long long)out.length, (long long)L.size);
  collapse(L);
  const int64_t sx = L.strides[0][L.nd - 1];
  const size_t size = dtypeSize(x.dtype);
  forEachRowParallel(L, [&](const int64_t* off, int64_t n) {
    char* o = at(out, off[1]);
    if (sx == 1) {
      f(at(x, off[0]), o, n);
    } else {
      gather(at(x, off[0]), sx, n, size, o);
      f(o, o, n);
    }
  });
  return true;
}

}  // namespace nabla::ew
