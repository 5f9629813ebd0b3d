// Strided views as the drivers see them: parsed from the packed Int32Array the bindings receive,
// bounds-checked, size-1 axes dropped and adjacent axes merged where every operand allows, then
// walked row by row so a row kernel runs on the innermost axis.
#pragma once
#include <cstdint>
#include <cstdio>

#include "elementwise/ops.h"

namespace nabla::ew {

constexpr int kMaxDims = 32;     // axes a view may have
constexpr int kMaxOperands = 4;  // where: cond, a, b and the output

// A typed array's memory as the binding found it.
struct Array {
  void* data;
  int64_t length;
  DType dtype;
};

// Why a call was refused; the binding throws it as a TypeError.
struct Err {
  char msg[320];
  template <class... A>
  bool fail(const char* fmt, A... args) {
    std::snprintf(msg, sizeof msg, fmt, args...);
    return false;
  }
};

// k operands over one shape: the inputs, then the contiguous output.
struct Layout {
  int nd = 0;
  int k = 0;
  int64_t size = 0;
  int64_t shape[kMaxDims];
  int64_t strides[kMaxOperands][kMaxDims];
  int64_t offset[kMaxOperands];
};

// Reads the inputs' views from meta = [nd, `extra` entries for the caller (a reduction's axes
// mask), the offset of each input, shape (nd), the strides of each input (nd each)]; entries past
// these are ignored, so one scratch Int32Array serves every call. Adds the output (contiguous,
// offset 0) and checks that every element each view touches lies inside its array.
bool parseLayout(const char* op, const int32_t* meta, int64_t metaLen, int nIn, const Array* in,
                 int extra, Layout& L, Err& err);

// Drops size-1 axes and merges each axis into the next one where every operand steps through
// both as through one (stride[i] == stride[i+1] * shape[i+1]); leaves at least one axis.
void collapse(Layout& L);

// Calls body(offsets, n) once per innermost row, with each operand's element offset of the row's
// first element; the innermost axis has n elements and strides L.strides[j][L.nd - 1].
template <class F>
void forEachRow(const Layout& L, F&& body) {
  if (L.size == 0) return;
  const int nd = L.nd;
  const int64_t n = L.shape[nd - 1];
  int64_t off[kMaxOperands], idx[kMaxDims] = {};
  for (int j = 0; j < L.k; j++) off[j] = L.offset[j];
  for (int64_t r = 0, rows = L.size / n; r < rows; r++) {
    body(static_cast<const int64_t*>(off), n);
    for (int d = nd - 2; d >= 0; d--) {
      if (++idx[d] < L.shape[d]) {
        for (int j = 0; j < L.k; j++) off[j] += L.strides[j][d];
        break;
      }
      for (int j = 0; j < L.k; j++) off[j] -= L.strides[j][d] * (L.shape[d] - 1);
      idx[d] = 0;
    }
  }
}

// The address of element `i` of `a`.
static inline char* at(const Array& a, int64_t i) {
  return static_cast<char*>(a.data) + i * int64_t(dtypeSize(a.dtype));
}

}  // namespace nabla::ew
