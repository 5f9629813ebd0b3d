// The portable micro-kernels: plain C++ on a 4 x 8 tile, for CPUs without AVX2 and as the
// reference the tests run the vector kernels against (setGemmIsa("scalar")).
#include "gemm/kernels.h"
#include "gemm/pack-inl.h"

namespace nabla::scalar {
namespace {

constexpr int kMR = 4, kNR = 8;

// C[rows, cols] (+)= sum_p A[:, p] B[p, :], A and B as packed panels.
template <class T>
void tile(int kc, const T* a, const T* b, T* c, ptrdiff_t ldc, int rows, int cols, bool add) {
  T acc[kMR][kNR] = {};
  for (int p = 0; p < kc; ++p, a += kMR, b += kNR)
    for (int i = 0; i < kMR; ++i)
      for (int j = 0; j < kNR; ++j) acc[i][j] += a[i] * b[j];
  for (int i = 0; i < rows; ++i, c += ldc)
    for (int j = 0; j < cols; ++j) c[j] = add ? c[j] + acc[i][j] : acc[i][j];
}

}  // namespace

const GemmKernels<float> kGemmF32 = {
    "scalar", kMR, kNR, 256, 128, 256, tile<float>, packABlock<float, kMR, NoTranspose>,
    packBBlock<float, kNR, NoTranspose>, nullptr};
const GemmKernels<double> kGemmF64 = {
    "scalar", kMR, kNR, 256, 128, 128, tile<double>, packABlock<double, kMR, NoTranspose>,
    packBBlock<double, kNR, NoTranspose>, nullptr};

}  // namespace nabla::scalar
