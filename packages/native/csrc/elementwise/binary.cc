// binary and where: out = op(a, b) (or cond ? a : b) over strided operands already broadcast to
// out's shape. Rows whose inner strides are 1 (contiguous) or 0 (broadcast) go straight to the
// kernel; other rows are gathered in chunks into stack buffers first.
#include "elementwise/drivers.h"
#include "elementwise/kernels.h"

namespace nabla::ew {
namespace {

constexpr int64_t kChunk = 256;  // elements gathered per chunk of a strided row

// Calls f(ptrs, strides, out, m) over one row of n elements, gathering operands whose stride is
// neither 0 nor 1.
template <int K, class F>
void row(const Array* in, const int64_t* off, const int64_t* s, const Array& out, int64_t o, int64_t n,
         F&& f) {
  bool direct = true;
  for (int j = 0; j < K; j++) direct = direct && (s[j] == 0 || s[j] == 1);
  const void* p[K];
  ptrdiff_t st[K];
  if (direct) {
    for (int j = 0; j < K; j++) p[j] = at(in[j], off[j]), st[j] = s[j];
    f(p, st, at(out, o), n);
    return;
  }
  alignas(64) char buf[K][kChunk * 8];
  for (int64_t i = 0; i < n; i += kChunk) {
    const int64_t m = n - i < kChunk ? n - i : kChunk;
    for (int j = 0; j < K; j++) {
      const char* src = at(in[j], off[j] + i * s[j]);
      if (s[j] == 0 || s[j] == 1) {
        p[j] = src, st[j] = s[j];
      } else {
        gather(src, s[j], m, dtypeSize(in[j].dtype), buf[j]);
        p[j] = buf[j], st[j] = 1;
      }
    }
    f(p, st, at(out, o + i), m);
  }
}

}  // namespace

bool runBinary(int op, const Buffer* bufs, const int32_t* meta, int64_t metaLen, Err& err) {
  if (op < 0 || op >= kBinaryOps) return err.fail("binary: unknown op %d", op);
  const char* name = kBinaryNames[op];
  static const char* const names[] = {"a", "b", "out"};
  Array in[3];
  Layout L;
  int32_t extra;
  if (!parseCall(name, names, 2, bufs, meta, metaLen, in, L, extra, err)) return false;
  const Array &a = in[0], &b = in[1], &out = in[2];
  if (a.dtype != b.dtype)
    return err.fail("%s: a is %s but b is %s", name, kDTypeNames[a.dtype], kDTypeNames[b.dtype]);
  const DType want = isComparison(op) ? I32 : a.dtype;
  if (out.dtype != want)
    return err.fail("%s: out must be %s, got %s", name, kDTypeNames[want], kDTypeNames[out.dtype]);
  const BinaryRow f = kernels().binary[op][a.dtype];
  if (f == nullptr) return err.fail("%s: not defined for %s", name, kDTypeNames[a.dtype]);
  if (out.length != L.size)
    return err.fail("%s: out has %lld elements, the shape %lld", name, (long long)out.length, (long long)L.size);
  collapse(L);
  const int64_t s[2] = {L.strides[0][L.nd - 1], L.strides[1][L.nd - 1]};
  forEachRowParallel(L, [&](const int64_t* off, int64_t n) {
    row<2>(in, off, s, out, off[2], n, [&](const void** p, const ptrdiff_t* st, void* o, int64_t m) {
      f(p[0], st[0], p[1], st[1], o, m);
    });
  });
  return true;
}

bool runWhere(const Buffer* bufs, const int32_t* meta, int64_t metaLen, Err& err) {
  static const char* const names[] = {"cond", "a", "b", "out"};
  Array in[4];
  Layout L;
  int32_t extra;
  if (!parseCall("where", names, 3, bufs, meta, metaLen, in, L, extra, err)) return false;
  const Array &cond = in[0], &a = in[1], &b = in[2], &out = in[3];
  if (a.dtype != b.dtype || out.dtype != a.dtype)
    return err.fail("where: a, b and out must share a dtype, got %s, %s and %s", kDTypeNames[a.dtype],
                    kDTypeNames[b.dtype], kDTypeNames[out.dtype]);
  const WhereRow f = kernels().where[cond.dtype][a.dtype];
  if (out.length != L.size)
    return err.fail("where: out has %lld elements, the shape %lld", (long long)out.length, (long long)L.size);
  collapse(L);
  const int64_t s[3] = {L.strides[0][L.nd - 1], L.strides[1][L.nd - 1], L.strides[2][L.nd - 1]};
  forEachRowParallel(L, [&](const int64_t* off, int64_t n) {
    row<3>(in, off, s, out, off[3], n, [&](const void** p, const ptrdiff_t* st, void* o, int64_t m) {
      f(p[0], st[0], p[1], st[1], p[2], st[2], o, m);
    });
  });
  return true;
}

}  // namespace nabla::ew
