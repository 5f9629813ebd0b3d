// The AVX512 elementwise kernels: each elementwise-*.cc beside this file compiles one group.
#include "elementwise/kernels.h"

namespace nabla::ew {
namespace avx512 {
void fillUnary(Kernels& k);
void fillBinary(Kernels& k);
void fillReduce(Kernels& k);
}  // namespace avx512

void fillAvx512(Kernels& k) {
  avx512::fillUnary(k);
  avx512::fillBinary(k);
  avx512::fillReduce(k);
}

}  // namespace nabla::ew
