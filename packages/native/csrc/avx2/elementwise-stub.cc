#include "elementwise/kernels.h"
namespace nabla::ew { void fillAvx2(Kernels&) {} }
