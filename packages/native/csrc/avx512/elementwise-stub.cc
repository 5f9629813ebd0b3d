#include "elementwise/kernels.h"
namespace nabla::ew { void fillAvx512(Kernels&) {} }
