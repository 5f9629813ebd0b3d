// Shared by the vector kernels of every instruction set. Each csrc/<isa>/elementwise-*.cc file
// includes its vec.h (namespace nabla::simd::<isa>), defines NABLA_ISA as its namespace (avx512,
// avx2) and includes these headers, so the kernels are written once and compiled once per
// instruction set; every function here lives in that instruction set's namespace (nothing is
// shared between them).
#pragma once
#include <cstddef>
#include <cstdint>

#include "elementwise/ops.h"

namespace nabla::ew::NABLA_ISA {

// The vector layer (VF, VD, VI, their masks, Vec<T>: the vector, mask and lane count of a type).
using namespace nabla::simd::NABLA_ISA;

// A mask with no lane set.
template <class M> static inline M none() { return firstLanes(M{}, 0); }

}  // namespace nabla::ew::NABLA_ISA
