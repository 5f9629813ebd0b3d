// Register transposes on 256-bit AVX registers, for the packing of pack-inl.h: included by the
// AVX2 and the AVX-512 kernel files (each compiles its own private copy, anonymous namespace).
// run(src, ss, dst, ds): dst[q * ds + j] = src[j * ss + q] for j, q < kSize.
#pragma once

#include <immintrin.h>

#include <cstddef>

namespace nabla {
namespace {

struct Transpose8f {  // 8 x 8 floats
  static constexpr int kSize = 8;
  static void run(const float* src, ptrdiff_t ss, float* dst, ptrdiff_t ds) {
    __m256 r[8], t[8];
    for (int i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(src + i * ss);
    for (int i = 0; i < 8; i += 2) {
      t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
      t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {  // r[i + c], lane L: rows i..i+3 of column 4L + c
      r[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
      r[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xee);
      r[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
      r[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xee);
    }
    for (int c = 0; c < 4; ++c) {
      _mm256_storeu_ps(dst + c * ds, _mm256_permute2f128_ps(r[c], r[4 + c], 0x20));
      _mm256_storeu_ps(dst + (4 + c) * ds, _mm256_permute2f128_ps(r[c], r[4 + c], 0x31));
    }
  }
};

struct Transpose4d {  // 4 x 4 doubles
  static constexpr int kSize = 4;
  static void run(const double* src, ptrdiff_t ss, double* dst, ptrdiff_t ds) {
    __m256d r[4];
    for (int i = 0; i < 4; ++i) r[i] = _mm256_loadu_pd(src + i * ss);
    // per 128-bit lane L: rows i, i+1 of column 2L (lo) and 2L + 1 (hi)
    const __m256d t0 = _mm256_unpacklo_pd(r[0], r[1]), t1 = _mm256_unpackhi_pd(r[0], r[1]);
    const __m256d t2 = _mm256_unpacklo_pd(r[2], r[3]), t3 = _mm256_unpackhi_pd(r[2], r[3]);
    _mm256_storeu_pd(dst, _mm256_permute2f128_pd(t0, t2, 0x20));
    _mm256_storeu_pd(dst + ds, _mm256_permute2f128_pd(t1, t3, 0x20));
    _mm256_storeu_pd(dst + 2 * ds, _mm256_permute2f128_pd(t0, t2, 0x31));
    _mm256_storeu_pd(dst + 3 * ds, _mm256_permute2f128_pd(t1, t3, 0x31));
  }
};

}  // namespace
}  // namespace nabla
