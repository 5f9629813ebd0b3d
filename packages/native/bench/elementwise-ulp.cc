// Exhaustive accuracy of the float32 transcendentals: every one of the 2^32 float inputs through
// the vector kernel, against the C library's double result rounded once to float (correctly
// rounded but for inputs within a double ulp of a float midpoint). Prints, per op, the largest
// error in ulps, where it occurs, and how many results are not the correctly rounded float.
//   g++ -O2 -std=c++17 -mavx512f -mavx512bw -mavx512vl -mavx512dq -mfma -mavx2 -Icsrc \
//       -DISA_HEADER='"avx512/vec.h"' -DNABLA_ISA=avx512 bench/elementwise-ulp.cc -o ulp
//   ./ulp [op ...]        (ops: exp log sin cos tanh sigmoid; about a minute each)
// For AVX2: -mavx2 -mfma, ISA_HEADER "avx2/vec.h", NABLA_ISA=avx2.
#include ISA_HEADER
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "elementwise/simd/common.h"
#include "simd/math.h"

using namespace nabla::ew::NABLA_ISA;

namespace {

double sigmoid(double v) { return v >= 0 ? 1 / (1 + std::exp(-v)) : std::exp(v) / (1 + std::exp(v)); }

struct Op {
  const char* name;
  VD (*vec)(VD);
  double (*ref)(double);
};

const Op kOps[] = {
    {"exp", expF, [](double v) { return std::exp(v); }},
    {"log", logF, [](double v) { return std::log(v); }},
    {"sin", sinCosF<false>, [](double v) { return std::sin(v); }},
    {"cos", sinCosF<true>, [](double v) { return std::cos(v); }},
    {"tanh", tanhF, [](double v) { return std::tanh(v); }},
    {"sigmoid", sigmoidF, sigmoid},
};

// Distance in float steps (ordered bit patterns); NaN matches NaN only.
int64_t ulps(float a, float b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b) ? 0 : INT64_MAX;
  int32_t x, y;
  std::memcpy(&x, &a, 4);
  std::memcpy(&y, &b, 4);
  const int64_t ox = x >= 0 ? x : -int64_t(x & 0x7fffffff), oy = y >= 0 ? y : -int64_t(y & 0x7fffffff);
  return ox > oy ? ox - oy : oy - ox;
}

void run(const Op& op) {
  constexpr uint32_t kChunk = 1u << 20;
  std::vector<float> x(kChunk), y(kChunk);
  int64_t worst = 0, off = 0;
  float at = 0;
  for (uint64_t base = 0; base < (uint64_t(1) << 32); base += kChunk) {
    for (uint32_t i = 0; i < kChunk; i++) {
      const uint32_t bits = uint32_t(base + i);
      std::memcpy(&x[i], &bits, 4);
    }
    for (uint32_t i = 0; i < kChunk; i += kF) {
      const VF v = load(x.data() + i);
      store(y.data() + i, pack(op.vec(lo(v)), op.vec(hi(v))));
    }
    for (uint32_t i = 0; i < kChunk; i++) {
      const int64_t u = ulps(y[i], float(op.ref(double(x[i]))));
      if (u > 0) off++;
      if (u > worst) worst = u, at = x[i];
    }
  }
  std::printf("%-8s max %lld ulp (at x = %.9g); %lld of 2^32 results not correctly rounded\n", op.name,
              (long long)worst, double(at), (long long)off);
}

}  // namespace

int main(int argc, char** argv) {
  for (const Op& op : kOps) {
    bool pick = argc < 2;
    for (int i = 1; i < argc; i++) pick = pick || std::strcmp(argv[i], op.name) == 0;
    if (pick) run(op);
  }
}
