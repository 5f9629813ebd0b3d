// Strided views as the drivers see them: parsed from the packed layout (an Int32Array's words)
// the bindings receive with the operands' ArrayBuffers, bounds-checked, size-1 axes dropped and
// adjacent axes merged where every operand allows, then walked row by row so a row kernel runs
// on the innermost axis.
#pragma once
#include <cstdint>
#include <cstdio>
#include <type_traits>

#include "elementwise/ops.h"

namespace nabla::ew {

constexpr int kMaxDims = 32;     // axes a view may have
constexpr int kMaxOperands = 4;  // where: cond, a, b and the output

// An ArrayBuffer's memory as the binding found it.
struct Buffer {
  void* data;
  int64_t bytes;
};

// A typed array: its first element, length and dtype (within a Buffer, checked).
struct Array {
  void* data;
  int64_t length;
  DType dtype;
};

// How many pool tasks an elementwise pass over `size` elements is split into (1: run inline).
int parallelTasks(int64_t size);

// Runs task(t) for t in [0, tasks) on the thread pool and returns when all have finished.
void runTaskList(int tasks, void (*fn)(void* ctx, int t), void* ctx);
template <class F>
void runTasks(int tasks, F&& task) {
  using Fn = typename std::remove_reference<F>::type;
  runTaskList(tasks, [](void* ctx, int t) { (*static_cast<Fn*>(ctx))(t); }, &task);
}

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

// Reads a call's layout: meta = [rank nd, extra (a reduction's axes mask, else 0),
//   then for each input and the output: dtype, start, length (the typed array's element offset
//   into its buffer and its element count),
//   then each input's view offset, the shape (nd), each input's strides (nd each)].
// Words past these are ignored, so one scratch array serves every call. Checks that each typed
// array lies inside its buffer and that every element each view touches lies inside its typed
// array; the output is contiguous (strides row-major, offset 0). `names` name the operands.
bool parseCall(const char* op, const char* const* names, int nIn, const Buffer* bufs, const int32_t* meta,
               int64_t metaLen, Array* arrays, Layout& L, int32_t& extra, Err& err);

// Drops size-1 axes and merges each axis into the next one where every operand steps through
// both as through one (stride[i] == stride[i+1] * shape[i+1]); leaves at least one axis.
void collapse(Layout& L);

// Calls body(offsets, n) for the elements [begin, end) of L in row-major order, one call per
// piece of an innermost row, with each operand's element offset of the piece's first element; the
// innermost axis has strides L.strides[j][L.nd - 1].
template <class F>
void forEachRow(const Layout& L, int64_t begin, int64_t end, F&& body) {
  if (begin >= end) return;
  const int nd = L.nd;
  const int64_t n = L.shape[nd - 1];
  int64_t off[kMaxOperands], idx[kMaxDims];
  for (int j = 0; j < L.k; j++) off[j] = L.offset[j];
  for (int d = 0; d < nd - 1; d++) idx[d] = 0;
  int64_t col = 0;
  if (begin > 0) {  // the multi-index of element `begin`
    int64_t row = begin / n;
    col = begin % n;
    for (int j = 0; j < L.k; j++) off[j] += col * L.strides[j][nd - 1];
    for (int d = nd - 2; d >= 0; d--) {
      idx[d] = row % L.shape[d];
      row /= L.shape[d];
      for (int j = 0; j < L.k; j++) off[j] += idx[d] * L.strides[j][d];
    }
  }
  for (int64_t left = end - begin; left > 0;) {
    const int64_t len = n - col < left ? n - col : left;
    body(static_cast<const int64_t*>(off), len);
    left -= len;
    for (int j = 0; j < L.k; j++) off[j] -= col * L.strides[j][nd - 1];
    col = 0;
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

// forEachRow over all of L.
template <class F>
void forEachRow(const Layout& L, F&& body) {
  forEachRow(L, 0, L.size, body);
}

// forEachRow over all of L, split over the thread pool's threads when L is large (each task a
// range of whole cache lines of the output).
template <class F>
void forEachRowParallel(const Layout& L, F&& body) {
  const int tasks = parallelTasks(L.size);
  if (tasks <= 1) return forEachRow(L, body);
  const int64_t chunk = ((L.size + tasks - 1) / tasks + 63) / 64 * 64;
  runTasks(tasks, [&](int t) { forEachRow(L, t * chunk, (t + 1) * chunk < L.size ? (t + 1) * chunk : L.size, body); });
}

// The address of element `i` of `a`.
static inline char* at(const Array& a, int64_t i) {
  return static_cast<char*>(a.data) + i * int64_t(dtypeSize(a.dtype));
}

}  // namespace nabla::ew
