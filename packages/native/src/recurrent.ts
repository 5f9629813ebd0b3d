/** The fused recurrent kernels of the addon (csrc/bind/recurrent.cc, csrc/recurrent/). */
import type { FloatArray } from "./gemm.js";

/** The cells a fused sequence kernel runs (PyTorch's mode names). */
export type RecurrentKind = "LSTM" | "GRU" | "RNN_TANH" | "RNN_RELU";

/**
 * One layer direction's whole sequence, forward and backpropagation through time, in one call
 * each (as cuDNN), with the semantics of the TypeScript kernels of @nablajs/rnn
 * (`packages/rnn/src/fused`): gates in PyTorch's order (LSTM i, f, g, o; GRU r, z, n), G = 4, 3
 * or 1 gates per hidden unit (LSTM, GRU, RNN), `reverse` walks the sequence from its last step,
 * and `lengths` (an Int32Array of B values in [0, T], or null) pads a batch: a step t >=
 * lengths[b] keeps entry b's state and outputs zeros.
 *
 * LSTM: i, f, o = σ(.), g = tanh(.) of x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh;
 *       c_t = f c_{t-1} + i g, h_t = o tanh(c_t).
 * GRU:  r, z = σ(x W_i^T + b_i + h W_h^T + b_h), n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn)),
 *       h_t = (1 - z) n + z h_{t-1}.
 * RNN:  h_t = tanh or relu(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh).
 *
 * Every array is a flat row-major typed array of EXACTLY the length its shape gives (x [T, B, I],
 * h0, c0, hn, cn [B, H], wih [G H, I], whh [G H, H], biases [G H], y [T, B, H]); float arrays are
 * all Float32Array or all Float64Array; `null` marks an absent one. The caller allocates every
 * output (ordinary typed arrays: the garbage collector frees them, nothing to dispose); no output
 * may overlap another array. A bad argument throws a TypeError naming it before anything is read.
 * The products and gate loops run on the GEMM's instruction set (`setGemmIsa`) and on
 * `numThreads()` threads: with 8 batch rows or more per thread, each thread runs the whole time
 * loop on its share of the batch (no barrier between steps); with fewer, each step's blocks of
 * hidden units are shared out.
 */
export interface RecurrentKernels {
  /**
   * The length of the `saved` array of {@link RecurrentKernels.recurrentForward} (elements of the
   * call's dtype). Its layout, in order (sections absent for a kind have length 0):
   * gates [T, B, G H] (the activations: LSTM i, f, tanh(g), o; GRU r, z, n; RNN h_t),
   * hs [T + 1, B, H] (the hidden states in time order: the state before step t at slot
   * t + reverse, after it at slot t + !reverse, so h0 is slot 0 forward and slot T in reverse),
   * LSTM: cs [T + 1, B, H] (the cell states, slots as hs) and tanh(c_t) [T, B, H];
   * GRU: W_hn h_{t-1} + b_hn [T, B, H].
   */
  recurrentSavedLength(kind: RecurrentKind, T: number, B: number, H: number): number;

  /**
   * The forward of one direction: fills y [T, B, H] (zeros past each length), hn and cn [B, H]
   * (cn: LSTM only, else null), and `saved` (what the backward needs; null when no backward will
   * follow). One GEMM projects every step's input; per step, h_{t-1} W_hh^T (W_hh packed once)
   * and the gate math run in one pass over blocks of hidden units (the gate math on each block's
   * product while it is in L1). bih, bhh may be null (no bias); c0 is null unless kind is "LSTM".
   */
  recurrentForward(
    kind: RecurrentKind,
    T: number,
    B: number,
    I: number,
    H: number,
    reverse: boolean,
    lengths: Int32Array | null,
    x: FloatArray,
    h0: FloatArray,
    c0: FloatArray | null,
    wih: FloatArray,
    whh: FloatArray,
    bih: FloatArray | null,
    bhh: FloatArray | null,
    y: FloatArray,
    hn: FloatArray,
    cn: FloatArray | null,
    saved: FloatArray | null,
  ): void;

  /**
   * Backpropagation through time for one direction from the cotangents dy [T, B, H], dhn and dcn
   * [B, H] (dcn: LSTM only, else null) and the `saved` array of the forward (with the same x,
   * wih and whh): writes the gradient of each operand into dx [T, B, I], dh0, dc0 [B, H],
   * dwih [G H, I], dwhh [G H, H], dbih, dbhh [G H]; a null one is skipped. Per step one pass
   * over blocks of hidden units computes dh = dG_{t+1} W_hh and the gate gradients dG_t (and
   * dx_{t+1} = dG_{t+1} W_ih); then dW_ih = dG^T X and dW_hh = dG^T H_prev are one GEMM each over
   * all steps, and the bias gradients are the column sums of dG.
   */
  recurrentBackward(
    kind: RecurrentKind,
    T: number,
    B: number,
    I: number,
    H: number,
    reverse: boolean,
    lengths: Int32Array | null,
    x: FloatArray,
    wih: FloatArray,
    whh: FloatArray,
    saved: FloatArray,
    dy: FloatArray,
    dhn: FloatArray,
    dcn: FloatArray | null,
    dx: FloatArray | null,
    dh0: FloatArray | null,
    dc0: FloatArray | null,
    dwih: FloatArray | null,
    dwhh: FloatArray | null,
    dbih: FloatArray | null,
    dbhh: FloatArray | null,
  ): void;
}
