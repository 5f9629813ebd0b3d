// The entry points the bindings call: each reads its operands from the buffers and the layout
// (layout.h parseCall), checks dtypes, lengths and the bounds of every view, then walks the
// views and runs the active instruction set's row kernels. false means refused, with err set.
#pragma once
#include "elementwise/layout.h"

namespace nabla::ew {

// bufs: x, out.
bool runUnary(int op, const Buffer* bufs, const int32_t* meta, int64_t metaLen, Err& err);
// bufs: a, b, out.
bool runBinary(int op, const Buffer* bufs, const int32_t* meta, int64_t metaLen, Err& err);
// bufs: cond, a, b, out.
bool runWhere(const Buffer* bufs, const int32_t* meta, int64_t metaLen, Err& err);
// bufs: x, out.
bool runCopy(const Buffer* bufs, const int32_t* meta, int64_t metaLen, Err& err);
// bufs: x, out; the layout's extra word is the mask of the reduced axes (bit d: axis d).
bool runReduce(int op, const Buffer* bufs, const int32_t* meta, int64_t metaLen, Err& err);

// Gathers n elements of `size` bytes at stride s (in elements) from src into contiguous dst.
void gather(const char* src, int64_t s, int64_t n, size_t size, char* dst);

}  // namespace nabla::ew
