// The backward driver of one layer direction (recurrent.h): backpropagation through time from
// what forward saved.
//   pack W_hh once, by blocks of U hidden units (kernels.h)
//   for each step in reverse traversal order, the kernel of each block finishes
//     dh_t = dhs + dG_{t+1} W_hh for its units and computes dG_t of those units (and the bias
//     gradients' column sums), or, for blocks of input columns, dx_{t+1} = dG_{t+1} W_ih; one
//     more pass finishes dh0 and the first step's dx. The threads split the batch rows (each runs
//     the whole loop on its rows), or, with few rows, each step's blocks (schedule.h)
//   dW_ih = dG^T X, dW_hh = dG^T H_prev: one GEMM each over all steps.
// The GRU's input and hidden sides differ in n's gradient only (the hidden side is r times the
// input side): dG holds the hidden side, dgn the input side of n.
#include <algorithm>
#include <cstring>

#include "gemm/gemm.h"
#include "pool.h"
#include "recurrent/kernels.h"
#include "recurrent/schedule.h"
#include "recurrent/scratch.h"

namespace nabla::rec {
namespace {

thread_local Scratch tScratch;

// panel[p * U + u] = W[p, j0 + u] for p < rows, zero past cols: W_hh's (or W_ih's) columns.
template <class T>
void packBackward(const T* w, int rows, int cols, int U, int j0, T* panel) {
  const int n = std::min(U, cols - j0);
  for (int p = 0; p < rows; ++p, panel += U) {
    std::memcpy(panel, w + size_t(p) * cols + j0, n * sizeof(T));
    std::fill(panel + n, panel + U, T(0));
  }
}

// The weight gradients from dG [N, G H] (N = T B): each one product over all steps.
template <class T>
void weightGrads(const Shape& S, const T* x, const T* hprev, const T* dg, const T* dgn, const Grads<T>& g) {
  const int N = S.T * S.B, I = S.I, H = S.H, GH = gatesOf(S.kind) * H;
  if (g.whh) gemm<T>(GH, H, N, dg, 1, GH, hprev, H, 1, g.whh, H, false);
  if (S.kind != Kind::Gru) {
    if (g.wih) gemm<T>(GH, I, N, dg, 1, GH, x, I, 1, g.wih, I, false);
    return;
  }
  // r and z from dG, n from dgn.
  const int RZ = 2 * H;
  if (g.wih) {
    gemm<T>(RZ, I, N, dg, 1, GH, x, I, 1, g.wih, I, false);
    gemm<T>(H, I, N, dgn, 1, H, x, I, 1, g.wih + size_t(RZ) * I, I, false);
  }
}

// out[j] = sum over the chunks c of sums[c n + j], added in chunk order (the same result from run
// to run); nothing when out is null.
template <class T>
void addChunks(const T* sums, int chunks, int n, T* out) {
  if (out == nullptr) return;
  std::copy(sums, sums + n, out);
  for (int c = 1; c < chunks; ++c)
    for (int j = 0; j < n; ++j) out[j] += sums[size_t(c) * n + j];
}

}  // namespace

template <class T>
void backward(const Shape& S, const T* x, const T* wih, const T* whh, const T* saved,
              const Cotangents<T>& d, const Grads<T>& g) {
  const RecurrentKernels<T>& K = activeRecurrentKernels<T>();
  const int kind = static_cast<int>(S.kind), G = gatesOf(S.kind), H = S.H, GH = G * H;
  const bool lstm = S.kind == Kind::Lstm, gru = S.kind == Kind::Gru;
  const size_t BH = size_t(S.B) * H, steps = size_t(S.T) * BH;
  const SavedLayout L = savedLayout(S.kind, S.T, S.B, H);
  // Blocks of hidden units first, then (when dx is wanted) blocks of input columns.
  const int U = K.backwardUnits, hidden = (H + U - 1) / U, blocks = hidden + (g.x ? (S.I + U - 1) / U : 0);
  const size_t panelSize = size_t(GH) * U;

  // The LSTM's and RNN's b_ih and b_hh share one gradient: sum it once, copy it at the end.
  T* dbx = g.bih ? g.bih : gru ? nullptr : g.bhh;
  T* dbh = gru ? g.bhh : nullptr;
  const int chunks = rowChunks(S.B, panelSize * blocks * sizeof(T)), sums = std::max(1, chunks);  // bias sums per row chunk

  char* p = tScratch.reserve(lineBytes<T>(panelSize * blocks) + lineBytes<T>(steps * G) +
                             lineBytes<T>(gru ? steps : 0) + 2 * lineBytes<T>(BH) +
                             2 * lineBytes<T>(size_t(sums) * GH));
  T* panels = carve<T>(p, panelSize * blocks);
  T* dg = carve<T>(p, steps * G);
  T* dgn = gru ? carve<T>(p, steps) : nullptr;
  T* dhs = carve<T>(p, BH);
  T* dc = lstm ? carve<T>(p, BH) : nullptr;
  T* sumx = dbx ? carve<T>(p, size_t(sums) * GH) : nullptr;
  T* sumh = dbh ? carve<T>(p, size_t(sums) * GH) : nullptr;
  if (sumx) std::fill(sumx, sumx + size_t(sums) * GH, T(0));
  if (sumh) std::fill(sumh, sumh + size_t(sums) * GH, T(0));

  pool::parallelFor(blocks, [&](int blk, int) {
    T* panel = panels + blk * panelSize;
    if (blk < hidden) packBackward(whh, GH, H, U, blk * U, panel);
    else packBackward(wih, GH, S.I, U, (blk - hidden) * U, panel);
  });

  std::memcpy(dhs, d.dhn, BH * sizeof(T));
  if (lstm) std::memcpy(dc, d.dcn, BH * sizeof(T));

  // Region s (s = T - 1 down to -1) finishes the step s + 1 and computes dG of step s.
  const int before = S.reverse ? 1 : 0;
  auto timeOf = [&](int s) { return S.reverse ? S.T - 1 - s : s; };
  auto regionAt = [&](int s) {
    BackwardStep<T> st{};
    st.B = S.B, st.H = H, st.I = S.I, st.lengths = S.lengths, st.dhs = dhs, st.dc = dc;
    if (s + 1 < S.T) {
      const int tPrev = timeOf(s + 1);
      st.dgPrev = dg + tPrev * BH * G;
      st.dgnPrev = shifted(dgn, tPrev * BH);
      st.dxPrev = shifted(g.x, ptrdiff_t(tPrev) * S.B * S.I);
    }
    st.step = s >= 0;
    if (st.step) {
      const int t = timeOf(s);
      st.t = t;
      st.dy = d.dy + t * BH;
      st.gates = saved + L.gates + t * BH * G;
      st.dg = dg + t * BH * G;
      if (lstm) st.cprev = saved + L.cs + (t + before) * BH, st.tc = saved + L.tcs + t * BH;
      if (gru) st.hprev = saved + L.hs + (t + before) * BH, st.hnew = saved + L.hnew + t * BH;
      st.dgn = shifted(dgn, t * BH);
      st.dbx = sumx, st.dbh = sumh;
    }
    return st;
  };
  auto run = [&](const BackwardStep<T>& st, int blk) {
    const T* panel = panels + blk * panelSize;
    if (blk < hidden) K.backward[kind](st, panel, blk * U);
    else K.backwardInput[kind](st, panel, (blk - hidden) * U);
  };
  if (chunks) {
    pool::parallelFor(chunks, [&](int c, int) {
      const int r0 = S.B * c / chunks, r1 = S.B * (c + 1) / chunks;
      for (int s = S.T - 1; s >= -1; --s) {
        BackwardStep<T> st = regionAt(s).rows(r0, r1, G);
        st.dbx = shifted(st.dbx, c * GH), st.dbh = shifted(st.dbh, c * GH);
        for (int blk = 0; blk < blocks; ++blk) run(st, blk);
      }
    });
  } else {
    for (int s = S.T - 1; s >= -1; --s) {
      const BackwardStep<T> st = regionAt(s);
      pool::parallelFor(blocks, [&](int blk, int) { run(st, blk); });
    }
  }
  addChunks(sumx, sums, GH, dbx);
  addChunks(sumh, sums, GH, dbh);
  if (g.h0) std::memcpy(g.h0, dhs, BH * sizeof(T));
  if (lstm && g.c0) std::memcpy(g.c0, dc, BH * sizeof(T));
  if (!gru && g.bih && g.bhh) std::memcpy(g.bhh, g.bih, GH * sizeof(T));
  weightGrads(S, x, saved + L.hs + before * BH, dg, dgn, g);
}

template void backward<float>(const Shape&, const float*, const float*, const float*, const float*,
                              const Cotangents<float>&, const Grads<float>&);
template void backward<double>(const Shape&, const double*, const double*, const double*,
                               const double*, const Cotangents<double>&, const Grads<double>&);

}  // namespace nabla::rec
