// The forward driver of one layer direction (recurrent.h):
//   gates[T B, G H] = X W_ih^T                     one GEMM for every step
//   pack W_hh^T once, by blocks of U hidden units (kernels.h)
//   for each step t (in traversal order) and each block: the kernel computes h_{t-1} W_hh^T for
//     the block's gate columns and the gate math on it; the threads split the batch rows (each
//     runs the whole loop on its rows), or, with few rows, each step's blocks (schedule.h).
#include <algorithm>
#include <cstring>

#include "gemm/gemm.h"
#include "pool.h"
#include "recurrent/kernels.h"
#include "recurrent/schedule.h"
#include "recurrent/scratch.h"

namespace nabla::rec {

SavedLayout savedLayout(Kind kind, int T, int B, int H) {
  const size_t bh = size_t(B) * H, steps = size_t(T) * bh, states = steps + bh;
  const bool lstm = kind == Kind::Lstm, gru = kind == Kind::Gru;
  SavedLayout L;
  L.gates = 0;
  L.hs = steps * gatesOf(kind);
  L.cs = L.hs + states;
  L.tcs = L.cs + (lstm ? states : 0);
  L.hnew = L.tcs + (lstm ? steps : 0);
  L.total = L.hnew + (gru ? steps : 0);
  return L;
}

namespace {

// Batch rows times steps up to which the forward skips packing (kernels.h: forwardRows).
constexpr size_t kDirectRows = 8;

thread_local Scratch tScratch;

// panel[p * G U + q * U + u] = W_hh[q H + j0 + u, p]: the columns of W_hh^T of units
// [j0, j0 + U), gate after gate, zero past H. Transposed 16 values of p at a time, so that the
// 16 rows of the panel being written stay in L1.
template <class T>
void packForward(const T* whh, int G, int H, int U, int j0, T* panel) {
  constexpr int S = 16;
  const int n = std::min(U, H - j0), GU = G * U;
  for (int q = 0; q < G; ++q)
    for (int p0 = 0; p0 < H; p0 += S) {
      const int np = std::min(S, H - p0);
      T* dst = panel + size_t(p0) * GU + q * U;
      for (int u = 0; u < n; ++u) {
        const T* src = whh + size_t(q * H + j0 + u) * H + p0;
        for (int p = 0; p < np; ++p) dst[p * GU + u] = src[p];
      }
      for (int u = n; u < U; ++u)
        for (int p = 0; p < np; ++p) dst[p * GU + u] = T(0);
    }
}

}  // namespace

template <class T>
void forward(const Shape& S, const Operands<T>& op, const Outputs<T>& out) {
  const RecurrentKernels<T>& K = activeRecurrentKernels<T>();
  const int kind = static_cast<int>(S.kind), G = gatesOf(S.kind), H = S.H, GH = G * H;
  const size_t BH = size_t(S.B) * H;
  const SavedLayout L = savedLayout(S.kind, S.T, S.B, H);
  const int U = K.forwardUnits[kind], blocks = (H + U - 1) / U;
  const size_t panelSize = size_t(H) * G * U;

  // A handful of rows (one generated character at a time) runs on the weights as they are:
  // packing them would cost more than all the products.
  const bool direct = size_t(S.T) * S.B <= kDirectRows;
  const size_t packed = direct ? 0 : panelSize * blocks, rec = direct ? size_t(S.B) * GH + 64 : 0;
  char* p = tScratch.reserve(lineBytes<T>(packed) + lineBytes<T>(rec) + lineBytes<T>(GH) +
                             (out.saved ? 0 : lineBytes<T>(L.total)));
  T* panels = carve<T>(p, packed);
  T* recs = carve<T>(p, rec);
  T* bias = carve<T>(p, GH);
  T* saved = out.saved ? out.saved : carve<T>(p, L.total);
  T* gates = saved + L.gates;
  T* hs = saved + L.hs;
  T* cs = saved + L.cs;

  if (!direct) gemm<T>(S.T * S.B, GH, S.I, op.x, S.I, 1, op.wih, 1, S.I, gates, GH, false);
  // LSTM and RNN add b_ih + b_hh once; the GRU keeps b_hh apart (r multiplies W_hn h + b_hn).
  const T* bx = op.bih;
  if (S.kind != Kind::Gru && op.bih && op.bhh) {
    for (int j = 0; j < GH; ++j) bias[j] = op.bih[j] + op.bhh[j];
    bx = bias;
  } else if (S.kind != Kind::Gru && op.bhh) {
    bx = op.bhh;
  }
  const T* bh = S.kind == Kind::Gru ? op.bhh : nullptr;

  if (!direct)
    pool::parallelFor(blocks, [&](int blk, int) {
      packForward(op.whh, G, H, U, blk * U, panels + blk * panelSize);
    });

  const int before = S.reverse ? 1 : 0, after = 1 - before;
  const int t0 = S.reverse ? S.T - 1 : 0;
  std::memcpy(hs + (t0 + before) * BH, op.h0, BH * sizeof(T));
  if (S.kind == Kind::Lstm) std::memcpy(cs + (t0 + before) * BH, op.c0, BH * sizeof(T));
  auto stepAt = [&](int s) {
    const int t = S.reverse ? S.T - 1 - s : s;
    ForwardStep<T> st{};
    st.B = S.B, st.H = H, st.t = t, st.lengths = S.lengths;
    st.hprev = hs + (t + before) * BH;
    st.hnext = hs + (t + after) * BH;
    st.gates = gates + t * BH * G;
    st.bx = bx, st.bh = bh;
    st.y = out.y + t * BH;
    if (S.kind == Kind::Lstm) {
      st.cprev = cs + (t + before) * BH;
      st.cnext = cs + (t + after) * BH;
      st.tc = saved + L.tcs + t * BH;
    }
    if (S.kind == Kind::Gru) st.hnew = saved + L.hnew + t * BH;
    return st;
  };
  if (direct) {
    for (int s = 0; s < S.T; ++s) {
      const ForwardStep<T> st = stepAt(s);
      for (int b = 0; b < S.B; ++b) {
        K.rowTimesRows(GH, S.I, op.x + (size_t(st.t) * S.B + b) * S.I, op.wih, S.I, st.gates + b * GH);
        K.rowTimesRows(GH, H, st.hprev + b * H, op.whh, H, recs + b * GH);
      }
      K.forwardRows[kind](st, recs);
    }
  } else if (const int chunks = rowChunks(S.B, packed * sizeof(T))) {
    pool::parallelFor(chunks, [&](int c, int) {
      const int r0 = S.B * c / chunks, r1 = S.B * (c + 1) / chunks;
      for (int s = 0; s < S.T; ++s) {
        const ForwardStep<T> st = stepAt(s).rows(r0, r1, G);
        for (int blk = 0; blk < blocks; ++blk) K.forward[kind](st, panels + blk * panelSize, blk * U);
      }
    });
  } else {
    for (int s = 0; s < S.T; ++s) {
      const ForwardStep<T> st = stepAt(s);
      pool::parallelFor(blocks, [&](int blk, int) {
        K.forward[kind](st, panels + blk * panelSize, blk * U);
      });
    }
  }
  const int last = S.reverse ? 0 : S.T;  // the slot after the last step
  std::memcpy(out.hn, hs + last * BH, BH * sizeof(T));
  if (S.kind == Kind::Lstm) std::memcpy(out.cn, cs + last * BH, BH * sizeof(T));
}

template void forward<float>(const Shape&, const Operands<float>&, const Outputs<float>&);
template void forward<double>(const Shape&, const Operands<double>&, const Outputs<double>&);

}  // namespace nabla::rec
