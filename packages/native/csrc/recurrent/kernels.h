// The step kernels of one instruction set for one dtype, as the drivers (forward.cc,
// backward.cc) see them. Each set lives in one file compiled for it: avx512/recurrent.cc,
// avx2/recurrent.cc (both instantiate the templates of recurrent/simd/), and the portable
// recurrent/scalar.cc, the reference.
//
// A kernel call handles one BLOCK of U hidden units [j0, j0 + U) for every batch row of one
// step; the drivers hand the blocks of a step to the threads. Its weights come packed per block
// by the driver (U = the kernel's units per block, rows past H zero):
//   forward  panel[p * G U + q * U + u] = W_hh[q H + j0 + u, p]   p < H, q < G, u < U
//            (the block's columns of W_hh^T, gate after gate: one product gives all G gates
//             of the block's units, so the gate math runs on it at once)
//   backward panel[p * U + u] = W_hh[p, j0 + u]                  p < G H, u < U
//            (input blocks: W_ih[p, j0 + u], zero past I)
#pragma once

#include <cstddef>
#include <cstdint>

#include "recurrent/recurrent.h"

namespace nabla::rec {

// p + n, or null when p is (a pointer a kind does not use).
template <class P>
P* shifted(P* p, ptrdiff_t n) {
  return p ? p + n : p;
}

// One forward step at time t. All [B, H] arrays are row-major with row stride H.
template <class T>
struct ForwardStep {
  int B, H, t;
  const int32_t* lengths;  // entry b is valid at t when t < lengths[b]; null: all valid
  const T* hprev;          // h_{t-1} [B, H]
  const T* cprev;          // c_{t-1} [B, H] (LSTM)
  T* gates;                // [B, G H] at t: the input projection x_t W_ih^T in, the activations out
  const T* bx;             // [G H] added to the input side: LSTM and RNN b_ih + b_hh, GRU b_ih
  const T* bh;             // [G H] GRU: b_hh, added to the hidden side (r multiplies W_hn h + b_hn)
  T* hnext;                // h_t [B, H] (h_{t-1} where invalid)
  T* y;                    // y_t [B, H] (zero where invalid)
  T* cnext;                // c_t [B, H] (LSTM; c_{t-1} where invalid)
  T* tc;                   // tanh(c_t) [B, H] (LSTM)
  T* hnew;                 // W_hn h_{t-1} + b_hn [B, H] (GRU)

  // The same step restricted to the batch rows [r0, r1) (G gates per unit).
  ForwardStep rows(int r0, int r1, int G) const {
    ForwardStep s = *this;
    const ptrdiff_t h = ptrdiff_t(r0) * H;
    s.B = r1 - r0;
    s.lengths = shifted(lengths, r0);
    s.hprev += h, s.hnext += h, s.y += h, s.gates += h * G;
    s.cprev = shifted(cprev, h), s.cnext = shifted(cnext, h), s.tc = shifted(tc, h);
    s.hnew = shifted(hnew, h);
    return s;
  }
};

// One region of the backward loop. It first finishes dh of the step processed before (later
// in the sequence's order): dh = dhs + dgPrev W_hh (dgPrev null: no product); then, when
// `step`, computes dG of time t from it. dhs and dc carry the state from region to region.
// The same region computes dx of the step before: dxPrev = dG_i W_ih (input blocks).
template <class T>
struct BackwardStep {
  int B, H, I, t;
  bool step;               // false in the last region: only dh_{-1} = dh0 is finished
  const int32_t* lengths;
  const T* dgPrev;         // [B, G H] the hidden-side dG of the previous region, or null
  const T* dgnPrev;        // [B, H] GRU: the input side of n's gradient there
  T* dxPrev;               // dx [B, I] of the previous region's step
  T* dhs;                  // [B, H] in: what dh_t has besides the product; out: the same for t-1
  T* dc;                   // [B, H] LSTM: dc_t in, dc_{t-1} out
  const T* dy;             // dy_t [B, H]
  const T* gates;          // saved activations at t [B, G H]
  const T* hprev;          // h_{t-1} [B, H] (GRU)
  const T* cprev;          // c_{t-1} [B, H] (LSTM)
  const T* tc;             // tanh(c_t) [B, H] (LSTM)
  const T* hnew;           // W_hn h_{t-1} + b_hn [B, H] (GRU)
  T* dg;                   // dG_t [B, G H] out, zero where invalid (GRU: the hidden side, n * r)
  T* dgn;                  // GRU: the input side of n's gradient [B, H]
  T* dbx;                  // [G H] += the column sums of the input-side dG_t (or null)
  T* dbh;                  // GRU: [G H] += those of the hidden side (or null)

  // The same region restricted to the batch rows [r0, r1) (G gates per unit); the bias sums
  // stay to be set.
  BackwardStep rows(int r0, int r1, int G) const {
    BackwardStep s = *this;
    const ptrdiff_t h = ptrdiff_t(r0) * H;
    s.B = r1 - r0;
    s.lengths = shifted(lengths, r0);
    s.dgPrev = shifted(dgPrev, h * G), s.dgnPrev = shifted(dgnPrev, h);
    s.dxPrev = shifted(dxPrev, ptrdiff_t(r0) * I);
    s.dhs += h, s.dc = shifted(dc, h);
    s.dy = shifted(dy, h), s.gates = shifted(gates, h * G), s.dg = shifted(dg, h * G);
    s.hprev = shifted(hprev, h), s.cprev = shifted(cprev, h), s.tc = shifted(tc, h);
    s.hnew = shifted(hnew, h), s.dgn = shifted(dgn, h);
    return s;
  }
};

template <class T>
struct RecurrentKernels {
  const char* isa;
  int forwardUnits[4];  // U of the forward kernel, per Kind
  int backwardUnits;    // U of the backward kernels
  void (*forward[4])(const ForwardStep<T>& s, const T* panel, int j0);
  void (*backward[4])(const BackwardStep<T>& s, const T* panel, int j0);
  // dxPrev[:, j0 : j0 + U] = dG_i W_ih[:, j0 : j0 + U] (nothing when dgPrev is null).
  void (*backwardInput[4])(const BackwardStep<T>& s, const T* panel, int j0);
  // Without packed weights, for a handful of rows (one generated character at a time): the gate
  // math of every unit and row, rec [B, G H] holding h_{t-1} W_hh^T, gate after gate (and one
  // vector of padding after it); and out[g] = sum_p a[p] w[g ldw + p] (g < n, p < k), the
  // products themselves.
  void (*forwardRows[4])(const ForwardStep<T>& s, const T* rec);
  void (*rowTimesRows)(int n, int k, const T* a, const T* w, ptrdiff_t ldw, T* out);
};

namespace scalar {
extern const RecurrentKernels<float> kRecurrentF32;
extern const RecurrentKernels<double> kRecurrentF64;
}  // namespace scalar
namespace avx2 {
extern const RecurrentKernels<float> kRecurrentF32;
extern const RecurrentKernels<double> kRecurrentF64;
}  // namespace avx2
namespace avx512 {
extern const RecurrentKernels<float> kRecurrentF32;
extern const RecurrentKernels<double> kRecurrentF64;
}  // namespace avx512

// The set matching the GEMM's instruction set (gemm.h: setGemmIsa).
template <class T>
const RecurrentKernels<T>& activeRecurrentKernels();

}  // namespace nabla::rec
