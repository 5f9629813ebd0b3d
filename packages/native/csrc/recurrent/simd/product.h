// The register-blocked product at the heart of every step: R batch rows of A (h_{t-1} forward,
// dG_{t+1} backward: read in place, one broadcast per row and step of k) times one packed block
// of C vectors (kernels.h), into R x C accumulators:
//   tile[(r C + c) N + l] (+)= sum_{p < k} a[r lda + p] w[p C N + c N + l]
// Per step of k: C vector loads, R broadcasts, R C FMAs. The tile is left in L1 for the gate
// math that follows.
#pragma once

#include <cstddef>
#include <utility>

namespace nabla::rec::NABLA_ISA {

using namespace nabla::simd::NABLA_ISA;  // the vector layer (<isa>/vec.h)

// Loads and stores of the first m <= N lanes (the last block of units may be partial).
template <class T>
static inline typename Vec<T>::V loadm(const T* p, int m) {
  return m == Vec<T>::N ? load(p) : load_n(p, m);
}
template <class T, class V>
static inline void storem(T* p, V v, int m) {
  if (m == Vec<T>::N) store(p, v);
  else store_n(p, v, m);
}

template <class T, int R, int C>
void product(int k, const T* a, ptrdiff_t lda, const T* w, T* tile, bool add) {
  using V = typename Vec<T>::V;
  constexpr int N = Vec<T>::N;
  V acc[R][C];
#pragma GCC unroll 32
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
    for (int c = 0; c < C; ++c) acc[r][c] = add ? load(tile + (r * C + c) * N) : splat(T(0));
  for (int p = 0; p < k; ++p, w += C * N) {
    V wv[C];
#pragma GCC unroll 8
    for (int c = 0; c < C; ++c) wv[c] = load(w + c * N);
#pragma GCC unroll 32
    for (int r = 0; r < R; ++r) {
      const V ar = splat(a[r * lda + p]);
#pragma GCC unroll 8
      for (int c = 0; c < C; ++c) acc[r][c] = fma(ar, wv[c], acc[r][c]);
    }
  }
#pragma GCC unroll 32
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
    for (int c = 0; c < C; ++c) store(tile + (r * C + c) * N, acc[r][c]);
}

template <class T>
using ProductFn = void (*)(int, const T*, ptrdiff_t, const T*, T*, bool);

template <class T, int C, size_t... R>
void productDispatch(std::index_sequence<R...>, int rows, int k, const T* a, ptrdiff_t lda, const T* w,
                     T* tile, bool add) {
  static constexpr ProductFn<T> byRows[] = {product<T, int(R) + 1, C>...};
  byRows[rows - 1](k, a, lda, w, tile, add);
}

// The product for 1 <= rows <= RMAX rows (a remainder runs the code made for its row count).
template <class T, int C, int RMAX>
void productRows(int rows, int k, const T* a, ptrdiff_t lda, const T* w, T* tile, bool add) {
  productDispatch<T, C>(std::make_index_sequence<RMAX>{}, rows, k, a, lda, w, tile, add);
}

// The product for any number of rows, in tiles of at most RMAX rows: the packed block is read
// once per tile (from L2: a block of W_hh^T is k x C N), A and the tile stay in L1. With `add`
// it accumulates into the tile (a product over k split between two arrays).
template <class T, int C, int RMAX>
void productBlock(int rows, int k, const T* a, ptrdiff_t lda, const T* w, T* tile, bool add = false) {
  constexpr int N = Vec<T>::N;
  const int tiles = (rows + RMAX - 1) / RMAX;
  for (int i = 0; i < tiles; ++i) {
    const int r0 = rows * i / tiles, r1 = rows * (i + 1) / tiles;
    productRows<T, C, RMAX>(r1 - r0, k, a + r0 * lda, lda, w, tile + r0 * C * N, add);
  }
}

// out[g] = sum_{p < k} a[p] w[g ldw + p] for g < n: a row times the transpose of a row-major
// matrix, four rows of w at a time, the lanes summed at the end. For a handful of batch rows,
// where packing the weights would cost more than the products.
template <class T>
void rowTimesRows(int n, int k, const T* a, const T* w, ptrdiff_t ldw, T* out) {
  using V = typename Vec<T>::V;
  constexpr int N = Vec<T>::N;
  int g = 0;
  for (; g + 4 <= n; g += 4) {
    const T* w0 = w + g * ldw;
    V s0 = splat(T(0)), s1 = s0, s2 = s0, s3 = s0;
    for (int p = 0; p < k; p += N) {
      const int m = k - p < N ? k - p : N;
      const V x = loadm(a + p, m);
      s0 = fma(x, loadm(w0 + p, m), s0);
      s1 = fma(x, loadm(w0 + ldw + p, m), s1);
      s2 = fma(x, loadm(w0 + 2 * ldw + p, m), s2);
      s3 = fma(x, loadm(w0 + 3 * ldw + p, m), s3);
    }
    out[g] = hsumTree(s0), out[g + 1] = hsumTree(s1), out[g + 2] = hsumTree(s2), out[g + 3] = hsumTree(s3);
  }
  for (; g < n; ++g) {
    V s0 = splat(T(0));
    for (int p = 0; p < k; p += N) {
      const int m = k - p < N ? k - p : N;
      s0 = fma(loadm(a + p, m), loadm(w + g * ldw + p, m), s0);
    }
    out[g] = hsumTree(s0);
  }
}

// Asks for the cache lines of p[0, n) (a hint: never faults).
template <class T>
static inline void prefetch(const T* p, int n) {
  for (int i = 0; i < n; i += 64 / int(sizeof(T)))
    __builtin_prefetch(p + i);
}

}  // namespace nabla::rec::NABLA_ISA
