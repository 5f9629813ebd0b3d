// The AVX2 elementwise kernels: each elementwise-*.cc beside this file compiles one group.
#include "elementwise/kernels.h"

namespace nabla::ew {
namespace avx2 {
void fillUnary(Kernels& k);
void fillBinary(Kernels& k);
void fillReduce(Kernels& k);
}  // namespace avx2

void fillAvx2(Kernels& k) {
  avx2::fillUnary(k);
  avx2::fillBinary(k);
  avx2::fillReduce(k);
}

}  // namespace nabla::ew
