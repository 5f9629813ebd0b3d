// The elementwise ops, dtypes and row-kernel table shared by the drivers, the bindings and every
// instruction set. The numbering is the one src/elementwise.ts exports (UNARY, BINARY, REDUCE).
#pragma once
#include <cstddef>
#include <cstdint>

namespace nabla::ew {

enum DType : int { F32 = 0, F64 = 1, I32 = 2, kDTypes = 3 };

enum Unary : int {
  kNeg, kExp, kLog, kSin, kCos, kTanh, kSigmoid, kRelu, kSqrt, kAbs, kSquare, kSign, kUnaryOps
};

enum Binary : int {
  kAdd, kSub, kMul, kDiv, kPow, kMaximum, kMinimum, kEq, kNe, kGt, kGe, kLt, kLe, kBinaryOps
};

enum Reduce : int { kSum, kMax, kMin, kArgmax, kArgmin, kReduceOps };

static inline bool isComparison(int op) { return op >= kEq; }
static inline bool isArg(int op) { return op == kArgmax || op == kArgmin; }
static inline size_t dtypeSize(DType t) { return t == F64 ? 8 : 4; }

// out[i] = op(x[i]) for i < n; x and out contiguous (x may be out itself).
using UnaryRow = void (*)(const void* x, void* out, ptrdiff_t n);

// out[i] = a[i*sa] op b[i*sb] for i < n, with sa, sb in {0, 1} (1 contiguous, 0 broadcast);
// comparisons write int32 0/1.
using BinaryRow = void (*)(const void* a, ptrdiff_t sa, const void* b, ptrdiff_t sb, void* out, ptrdiff_t n);

// out[i] = c[i*sc] != 0 ? a[i*sa] : b[i*sb], strides in {0, 1}.
using WhereRow = void (*)(const void* c, ptrdiff_t sc, const void* a, ptrdiff_t sa, const void* b,
                          ptrdiff_t sb, void* out, ptrdiff_t n);

// *out = op(x[0..n)), x contiguous, n >= 1 (sum also n = 0); argmax/argmin write an int32 index.
using RowReduce = void (*)(const void* x, ptrdiff_t n, void* out);

// out[j] = op over r < rows of x[r*rowStride + j], for j < cols (x's columns contiguous), rows >= 1.
using ColReduce = void (*)(const void* x, ptrdiff_t rowStride, ptrdiff_t rows, ptrdiff_t cols, void* out);

// One instruction set's kernels, indexed [op][dtype] (where: [cond dtype][value dtype]). Every
// entry is set: an instruction set without its own kernel for a slot keeps the scalar one.
struct Kernels {
  UnaryRow unary[kUnaryOps][kDTypes];
  BinaryRow binary[kBinaryOps][kDTypes];
  WhereRow where[kDTypes][kDTypes];
  RowReduce reduceRow[kReduceOps][kDTypes];
  ColReduce reduceCol[kReduceOps][kDTypes];
};

}  // namespace nabla::ew

namespace nabla::ew {

// Names for error messages, indexed by the enums above.
static const char* const kDTypeNames[] = {"float32", "float64", "int32"};
static const char* const kUnaryNames[] = {"neg",  "exp", "log", "sin",    "cos", "tanh",
                                          "sigmoid", "relu", "sqrt", "abs", "square", "sign"};
static const char* const kBinaryNames[] = {"add", "sub", "mul", "div", "pow", "maximum", "minimum",
                                           "eq",  "ne",  "gt",  "ge",  "lt",  "le"};
static const char* const kReduceNames[] = {"sum", "max", "min", "argmax", "argmin"};

}  // namespace nabla::ew
