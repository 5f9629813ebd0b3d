#include "elementwise/kernels.h"

namespace nabla::ew {
namespace {

struct Tables {
  Kernels scalar{}, avx2{}, avx512{};
  Tables() {
    Kernels* all[] = {&scalar, &avx2, &avx512};
    for (Kernels* k : all) {
      fillScalarUnary(*k);
      fillScalarBinary(*k);
      fillScalarReduce(*k);
    }
    // NOTE: the fill functions are compiled for their instruction set (the compiler may use it even
    // to store pointers), so each runs only where the CPU has it.
    const Isa best = detectIsa();
    if (best != Isa::Scalar) fillAvx2(avx2);
    if (best == Isa::Avx512) fillAvx512(avx512);
  }
};

const Tables& tables() {
  static const Tables t;
  return t;
}

Isa current = detectIsa();

}  // namespace

const Kernels& kernels() {
  const Tables& t = tables();
  return current == Isa::Avx512 ? t.avx512 : current == Isa::Avx2 ? t.avx2 : t.scalar;
}

bool setIsa(Isa isa) {
  const Isa best = detectIsa();
  if (isa == Isa::Avx512 && best != Isa::Avx512) return false;
  if (isa == Isa::Avx2 && best == Isa::Scalar) return false;
  current = isa;
  return true;
}

Isa activeIsa() { return current; }

}  // namespace nabla::ew
