// Run-time CPU detection: which micro-kernels this machine can execute.
#pragma once

namespace nabla {

enum class Isa { Scalar, Avx2, Avx512 };

// The best instruction set both the CPU and the OS (saved vector state) support.
Isa detectIsa();

const char* isaName(Isa isa);

// The one of three per-instruction-set objects (a kernel table) that isa selects.
template <class K>
const K& forIsa(Isa isa, const K& avx512, const K& avx2, const K& scalar) {
  return isa == Isa::Avx512 ? avx512 : isa == Isa::Avx2 ? avx2 : scalar;
}

}  // namespace nabla
