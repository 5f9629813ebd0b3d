// Run-time CPU detection: which micro-kernels this machine can execute.
#pragma once

namespace nabla {

enum class Isa { Scalar, Avx2, Avx512 };

// The best instruction set both the CPU and the OS (saved vector state) support.
Isa detectIsa();

const char* isaName(Isa isa);

}  // namespace nabla
