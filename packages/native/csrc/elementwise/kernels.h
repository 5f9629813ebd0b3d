// Which instruction set's row kernels the elementwise drivers call: chosen once from the CPU
// (cpu.h detectIsa), or forced by setIsa so the tests reach every path on one machine.
#pragma once
#include "cpu.h"
#include "elementwise/ops.h"

namespace nabla::ew {

// The portable kernels (scalar-*.cc): the reference every instruction set is tested against.
void fillScalarUnary(Kernels& k);
void fillScalarBinary(Kernels& k);
void fillScalarReduce(Kernels& k);

// Each instruction set overwrites the slots it vectorises (avx512/, avx2/ elementwise-*.cc).
void fillAvx512(Kernels& k);
void fillAvx2(Kernels& k);

// The kernels of the active instruction set.
const Kernels& kernels();

// Makes `isa` the active instruction set; false (and no change) if this CPU cannot run it.
bool setIsa(Isa isa);

// The active instruction set.
Isa activeIsa();

}  // namespace nabla::ew
