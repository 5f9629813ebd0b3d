// Fused recurrent sequences: the whole time loop of one LSTM, GRU or Elman-RNN layer direction,
// forward and backpropagation through time, in one call (the cuDNN design). The semantics are
// those of the TypeScript kernels of @nablajs/rnn (packages/rnn/src/fused), which are the
// reference: PyTorch's gate orders (LSTM i, f, g, o; GRU r, z, n), `lengths` for padded batches
// (a step past an entry's length keeps its state and outputs zeros), `reverse` directions.
//
// Per direction the forward runs one GEMM for the input projection of every step, packs W_hh once,
// then per step ONE parallel region where each thread takes blocks of hidden units and, per block,
// computes h_{t-1} W_hh^T for that block's gate columns and applies the gate math to it while it
// is in registers and L1 (kernels.h). The backward runs per step one region that computes
// dh_t = dG_{t+1} W_hh for a block of units and, on the spot, dG_t of those units; then dX,
// dW_ih and dW_hh are one GEMM each over all steps, and the bias gradients are summed in the
// step loop. Nothing here checks bounds: the Node-API layer (bind/recurrent.cc) does.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nabla::rec {

enum class Kind { Lstm = 0, Gru = 1, RnnTanh = 2, RnnRelu = 3 };

// Gates per hidden unit: 4 (LSTM), 3 (GRU), 1 (RNN).
constexpr int gatesOf(Kind k) { return k == Kind::Lstm ? 4 : k == Kind::Gru ? 3 : 1; }

// One layer direction: T steps of a batch of B, I input and H hidden features. lengths[b] in
// [0, T] is entry b's number of valid steps, or null when all have T.
struct Shape {
  Kind kind;
  int T, B, I, H;
  bool reverse;
  const int32_t* lengths;
};

// What the forward keeps for the backward, as element offsets into ONE array (G = gatesOf):
//   gates [T, B, G H]  activations: LSTM i, f, tanh(g), o; GRU r, z, n; RNN h_t
//   hs    [T + 1, B, H] the hidden states in time order: the state before step t is slot
//                       t + reverse, the state after it slot t + !reverse (so h0 is slot 0 of a
//                       forward and slot T of a reverse direction)
//   cs    [T + 1, B, H] LSTM only: the cell states, slots as hs
//   tcs   [T, B, H]     LSTM only: tanh(c_t)
//   hnew  [T, B, H]     GRU only: W_hn h_{t-1} + b_hn
// Absent sections have size 0 (their offset is where they would start).
struct SavedLayout {
  size_t gates, hs, cs, tcs, hnew, total;
};
SavedLayout savedLayout(Kind kind, int T, int B, int H);

// The operands, flat row-major arrays: x [T, B, I], h0 [B, H], c0 [B, H] (LSTM), wih [G H, I],
// whh [G H, H], bih and bhh [G H] (each may be null: no bias).
template <class T>
struct Operands {
  const T *x, *h0, *c0, *wih, *whh, *bih, *bhh;
};

// The forward's outputs: y [T, B, H] (zeros past each length), hn and cn [B, H] (cn LSTM only),
// saved [savedLayout(...).total] (null: no backward will follow, scratch memory is used).
template <class T>
struct Outputs {
  T *y, *hn, *cn, *saved;
};

template <class T>
void forward(const Shape& shape, const Operands<T>& ops, const Outputs<T>& out);

// The cotangents of y [T, B, H], hn and cn [B, H] (cn LSTM only).
template <class T>
struct Cotangents {
  const T *dy, *dhn, *dcn;
};

// The gradients of every operand, in the layout of Operands; a null one is not computed.
template <class T>
struct Grads {
  T *x, *h0, *c0, *wih, *whh, *bih, *bhh;
};

// BPTT from what forward saved: needs x, wih and whh of the forward, and the saved array.
template <class T>
void backward(const Shape& shape, const T* x, const T* wih, const T* whh, const T* saved,
              const Cotangents<T>& d, const Grads<T>& grads);

// The instruction set the recurrent kernels run: the GEMM's (setGemmIsa chooses both).
const char* recurrentIsa();

}  // namespace nabla::rec
