// The entry points the bindings call: each checks its operands (dtypes, lengths, the bounds of
// every view), then walks the views and runs the active instruction set's row kernels.
// `meta` packs the views as layout.h parseLayout describes; false means refused, with err set.
#pragma once
#include "elementwise/layout.h"

namespace nabla::ew {

bool runUnary(int op, const Array& x, const Array& out, const int32_t* meta, int64_t metaLen, Err& err);
bool runBinary(int op, const Array& a, const Array& b, const Array& out, const int32_t* meta,
               int64_t metaLen, Err& err);
bool runWhere(const Array& cond, const Array& a, const Array& b, const Array& out, const int32_t* meta,
              int64_t metaLen, Err& err);
bool runCopy(const Array& x, const Array& out, const int32_t* meta, int64_t metaLen, Err& err);
// meta for a reduction: [nd, mask of the reduced axes (bit d: axis d), offset, shape, strides].
bool runReduce(int op, const Array& x, const Array& out, const int32_t* meta, int64_t metaLen, Err& err);

// Gathers n elements of `size` bytes at stride s (in elements) from src into contiguous dst.
void gather(const char* src, int64_t s, int64_t n, size_t size, char* dst);

}  // namespace nabla::ew
