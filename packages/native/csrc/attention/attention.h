// Fused scaled dot-product attention, flash-attention style (https://arxiv.org/abs/2205.14135):
// for each of the B H heads, with q [L, D], k [S, D], v [S, Dv] (row-major, head after head),
//   s_ij   = scale q_i·k_j + mask[b, h, i, j]        (-inf where causal and j > i)
//   out_i  = Σ_j softmax_j(s_i)_j v_j,  lse_i = log Σ_j e^{s_ij}
// The forward walks the keys in blocks with an online softmax (a running max and sum per row,
// the partial output rescaled when the max grows), so no more than one block of scores exists
// per thread. The backward recomputes each block of scores from lse: with P = e^{s - lse},
//   dv += Pᵀ dout,  dP = dout vᵀ,  dS = P (dP - δ) with δ_i = dout_i·out_i,
//   dq += scale dS k,  dk += scale dSᵀ q.
// The products run on the GEMM (gemm.h) one thread per task; the row math (exp, max, rescaling)
// is compiled once per instruction set from attention/kernel-inl.h. Tasks: forward, one per head
// and block of queries; backward, one per head (it owns that head's dk, dv and dq). A row whose
// keys are all masked gives NaN, as PyTorch 1.13. The TypeScript kernel of @nablajs/nn
// (src/transformer/fused/flash.ts) is the reference these are tested against.
#pragma once

#include <cstddef>

namespace nabla::attn {

struct Problem {
  int B, H, L, S, D, Dv;
  double scale;
  bool causal;
};

// An additive mask over [B, H, L, S]: element [b, h, i, j] at data[b sb + h sh + i sl + j ss]
// (stride 0 on a broadcast axis).
template <class T>
struct Mask {
  const T* data;
  ptrdiff_t sb, sh, sl, ss;
};

// out [B H, L, Dv] and lse [B H, L]; mask may be null.
template <class T>
void forward(const Problem& p, const T* q, const T* k, const T* v, const Mask<T>* mask, T* out, T* lse);

// dq [B H, L, D], dk and dv [B H, S, D|Dv], all written (not accumulated into).
template <class T>
void backward(const Problem& p, const T* q, const T* k, const T* v, const Mask<T>* mask, const T* out,
              const T* lse, const T* dout, T* dq, T* dk, T* dv);

// The row kernels around attention, on the pool's threads (norm-inl.h has the formulas):
// y = gelu(x) and dy = gelu'(x) over n elements (tanhForm: the tanh approximation, else exact);
// LayerNorm over the rows of x [rows, n] (w, b may be null), keeping mean and rstd [rows];
// its backward: dx, and dw, db (null when not wanted) summed over rows in a fixed order.
template <class T>
void gelu(bool tanhForm, const T* x, T* y, T* dy, ptrdiff_t n);
template <class T>
void layerNorm(int rows, int n, T eps, const T* x, const T* w, const T* b, T* y, T* mean, T* rstd);
template <class T>
void layerNormBackward(int rows, int n, const T* x, const T* w, const T* mean, const T* rstd, const T* g, T* dx,
                       T* dw, T* db);

// The instruction set the row math runs on (that of the GEMM: setGemmIsa switches both).
const char* attentionIsa();

}  // namespace nabla::attn
