// Shared by the vector kernels of every instruction set. Each csrc/<isa>/elementwise-*.cc file
// includes its elementwise-vec.h, defines NABLA_ISA as its namespace (avx512, avx2) and includes
// these headers, so the kernels are written once and compiled once per instruction set; every
// function here lives in that instruction set's namespace (nothing is shared between them).
#pragma once
#include <cstddef>
#include <cstdint>

#include "elementwise/ops.h"

namespace nabla::ew::NABLA_ISA {

// The vector, its mask and its lane count for each element type.
template <class T> struct Vec;
template <> struct Vec<float> { using V = VF; using M = MF; static constexpr int N = kF; };
template <> struct Vec<double> { using V = VD; using M = MD; static constexpr int N = kD; };
template <> struct Vec<int32_t> { using V = VI; using M = MF; static constexpr int N = kF; };

// A mask with no lane set.
template <class M> static inline M none() { return firstLanes(M{}, 0); }

}  // namespace nabla::ew::NABLA_ISA
