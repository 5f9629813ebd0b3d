import type { TypedArray } from "../dtype.js";

/** What a kernel needs of a tensor: storage, shape, strides and offset (a Tensor is one). */
export interface View {
  readonly data: TypedArray;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/** The elementwise ops of one operand that `Backend.unary` runs. */
export type UnaryOp =
  | "neg"
  | "exp"
  | "log"
  | "sin"
  | "cos"
  | "tanh"
  | "sigmoid"
  | "relu"
  | "sqrt"
  | "abs"
  | "square"
  | "sign";

/** The elementwise ops of two operands that `Backend.binary` runs; comparisons write int32 0/1. */
export type BinaryOp =
  | "add"
  | "sub"
  | "mul"
  | "div"
  | "pow"
  | "maximum"
  | "minimum"
  | "eq"
  | "ne"
  | "gt"
  | "ge"
  | "lt"
  | "le";

/** The reductions that `Backend.reduce` runs; argmax/argmin write int32 indices. */
export type ReduceOp = "sum" | "max" | "min" | "argmax" | "argmin";

/**
 * The kernels every backend provides. Inputs are strided views; outputs are fresh contiguous
 * arrays the caller allocates. Op code (shapes, dtypes, derivatives) never depends on which
 * backend runs, so a WebAssembly or native backend slots in behind this interface.
 */
export interface Backend {
  readonly name: string;
  /** out[i] = op(x[i]) over all elements in row-major order. */
  unary(op: UnaryOp, x: View, out: TypedArray): void;
  /** out = op(a, b); `a` and `b` are already broadcast (stride 0) to `out`'s shape. */
  binary(op: BinaryOp, a: View, b: View, out: TypedArray): void;
  /** Copies a strided view into contiguous row-major `out` (also converts dtype). */
  copy(x: View, out: TypedArray): void;
  /** out = cond != 0 ? a : b, all three broadcast to out's shape. */
  where(cond: View, a: View, b: View, out: TypedArray): void;
  /** Reduces over the sorted `axes`; `out` has the kept axes' elements in row-major order. */
  reduce(op: ReduceOp, x: View, axes: readonly number[], out: TypedArray): void;
  /**
   * Batched matrix product: a [...batch, m, k] times b [...batch, k, n] into contiguous out
   * [...batch, m, n]; batch axes are already broadcast (stride 0) to the same shape.
   */
  matmul(a: View, b: View, out: TypedArray): void;
  /**
   * Optional: prepares a 2-D right operand b [k, n] that many products will share (a recurrent
   * weight over a sequence), e.g. packed once into the kernel's layout. Returns a View to pass as
   * `b` to this backend's matmul. b's storage must not change while the prepared view is in use.
   */
  prepare?(b: View): View;
  /** out = x taken along `axis` at `indices` (out shape: x.shape with axis replaced by indices). */
  gather(x: View, axis: number, indices: Int32Array, out: TypedArray): void;
  /** Optional: the backend's thread pool (the native one); others run on the calling thread. */
  readonly threads?: { get(): number; set(n: number): void };
  /** Optional: whole recurrent sequences in one call (see RecurrentKernels). */
  readonly recurrent?: RecurrentKernels;
  /** Optional: fused scaled dot-product attention, forward and backward (see AttentionKernels). */
  readonly attention?: AttentionKernels;
  /** out (contiguous, pre-filled) += src scattered along `axis` at `indices`. */
  scatterAdd(
    out: TypedArray,
    outShape: readonly number[],
    axis: number,
    indices: Int32Array,
    src: View,
  ): void;
}

/** The recurrent cells a fused sequence kernel runs (PyTorch's mode names). */
export type RecurrentKind = "LSTM" | "GRU" | "RNN_TANH" | "RNN_RELU";

/** The sizes and traversal of one layer direction's sequence. */
export interface RecurrentSequence {
  kind: RecurrentKind;
  /** Time steps, batch size, input features, hidden features. */
  T: number;
  B: number;
  I: number;
  H: number;
  dtype: "float32" | "float64";
  /** Walk the sequence from its last valid step to the first. */
  reverse: boolean;
  /** Valid steps per batch entry (padded batches), or null when every sequence has T steps. */
  lengths: Int32Array | null;
}

/**
 * One direction's operands as flat row-major arrays starting at index 0, G gates (4 LSTM, 3 GRU,
 * 1 RNN) stacked in PyTorch's order: x [T, B, I], h0 [B, H], c0 [B, H] (LSTM only, else null),
 * wih [G H, I], whh [G H, H], bih and bhh [G H] (null without bias). A backward returns the
 * gradients in the same layout.
 */
export interface RecurrentOperands {
  x: TypedArray;
  h0: TypedArray;
  c0: TypedArray | null;
  wih: TypedArray;
  whh: TypedArray;
  bih: TypedArray | null;
  bhh: TypedArray | null;
}

/** What a fused forward returns: y [T, B, H] (zeros past each length), h_n and c_n [B, H], and what its backward needs. */
export interface RecurrentForward {
  y: TypedArray;
  hn: TypedArray;
  cn: TypedArray | null;
  /** The activations kept for the backward, in a layout the backend owns. */
  saved: unknown;
}

/**
 * A whole recurrent sequence, forward and backpropagation through time, in one call (as cuDNN):
 * a backend may provide it to run the time loop in its own code. Semantics are those of the
 * TypeScript kernels of @nablajs/rnn (src/fused/), which are the reference.
 */
export interface RecurrentKernels {
  /** Whether this backend runs `seq` (a dtype or size it does not handle falls back to TypeScript). */
  supports(seq: RecurrentSequence): boolean;
  /** The forward; `keep` (default true) says whether a backward may follow (else nothing need be saved). */
  forward(seq: RecurrentSequence, ops: RecurrentOperands, keep?: boolean): RecurrentForward;
  /**
   * Gradients of the operands from the cotangents of y, h_n and c_n (c_n's null unless LSTM);
   * `wants` names the ones needed (the others may come back null; default: all).
   */
  backward(
    seq: RecurrentSequence,
    ops: RecurrentOperands,
    saved: unknown,
    dy: TypedArray,
    dhn: TypedArray,
    dcn: TypedArray | null,
    wants?: Readonly<Record<keyof RecurrentOperands, boolean>>,
  ): { [K in keyof RecurrentOperands]: TypedArray | null };
}

/**
 * One fused attention call: B H heads (batch entries times heads), each with L queries and S keys
 * of D features and S values of Dv features; the scores are `scale` q·k plus the mask, and with
 * `causal` key j > query i is masked (top-left aligned, as torch's is_causal).
 */
export interface AttentionProblem {
  B: number;
  H: number;
  L: number;
  S: number;
  D: number;
  Dv: number;
  scale: number;
  causal: boolean;
  dtype: "float32" | "float64";
}

/** An additive mask over [B, H, L, S] as a strided view of `data` (stride 0 on a broadcast axis). */
export interface AttentionMask {
  data: TypedArray;
  offset: number;
  strides: readonly [number, number, number, number];
}

/**
 * Scaled dot-product attention as one op, flash-attention style: per head, with q [L, D],
 * k [S, D], v [S, Dv] (flat row-major arrays of all B H heads, q [B H, L, D] and so on),
 *   s_ij = scale q_i·k_j + mask[b, h, i, j]   (-inf where causal and j > i)
 *   out_i = Σ_j softmax_j(s_i)_j v_j,          lse_i = log Σ_j e^{s_ij}
 * with keys taken in blocks and an online softmax, so that no more than a block of scores exists
 * at once. A row with every key masked gives NaN (as PyTorch 1.13). The backward recomputes the
 * scores from lse: with P = e^{s - lse}, dP = dout vᵀ and δ_i = dout_i·out_i,
 *   dS = P ⊙ (dP - δ),  dq = scale dS k,  dk = scale dSᵀ q,  dv = Pᵀ dout.
 * The TypeScript kernel of @nablajs/nn (src/transformer/fused/flash.ts) is the reference. A
 * backend may also run the row ops around attention (GELU, LayerNorm) as one pass each; the
 * loops of @nablajs/nn's fused ops (src/transformer/fused/) are their reference.
 */
export interface AttentionKernels {
  /** Whether this backend runs `p` (another dtype or size falls back to TypeScript). */
  supports(p: AttentionProblem): boolean;
  /** out [B H, L, Dv] and lse [B H, L]. */
  forward(
    p: AttentionProblem,
    q: TypedArray,
    k: TypedArray,
    v: TypedArray,
    mask: AttentionMask | null,
  ): { out: TypedArray; lse: TypedArray };
  /** The gradients of q, k and v from dout [B H, L, Dv], given the forward's out and lse. */
  backward(
    p: AttentionProblem,
    q: TypedArray,
    k: TypedArray,
    v: TypedArray,
    mask: AttentionMask | null,
    out: TypedArray,
    lse: TypedArray,
    dout: TypedArray,
  ): { dq: TypedArray; dk: TypedArray; dv: TypedArray };
  /**
   * Optional: y = gelu(x) and dy = gelu'(x) elementwise into y and dy (x's dtype and length):
   * "tanh", x (1 + tanh(c (x + 0.044715 x^3))) / 2 with c = sqrt(2/pi); "none", x Φ(x).
   */
  gelu?(approximate: "none" | "tanh", x: TypedArray, y: TypedArray, dy: TypedArray): void;
  /**
   * Optional: LayerNorm over the rows of x [rows, n]: mean and rstd = 1 / sqrt(var + eps) per
   * row (biased variance), y = (x - mean) rstd w + b (w, b [n] or null).
   */
  layerNorm?(
    n: number,
    eps: number,
    x: TypedArray,
    w: TypedArray | null,
    b: TypedArray | null,
  ): { y: TypedArray; mean: TypedArray; rstd: TypedArray };
  /**
   * Optional: LayerNorm's backward from g [rows, n]: with x̂ = (x - mean) rstd,
   * dx = rstd (g w - mean(g w) - x̂ mean(g w x̂)), dw = Σ_rows g x̂, db = Σ_rows g (null unless wanted).
   */
  layerNormBackward?(
    n: number,
    x: TypedArray,
    w: TypedArray | null,
    mean: TypedArray,
    rstd: TypedArray,
    g: TypedArray,
    wants: { w: boolean; b: boolean },
  ): { dx: TypedArray; dw: TypedArray | null; db: TypedArray | null };
}

let current: Backend | undefined;

/** The backend ops dispatch to. */
export function getBackend(): Backend {
  if (current === undefined) throw new Error("nabla: no backend registered");
  return current;
}

/**
 * Sets how many threads the kernels use (torch.set_num_threads): the native backend's pool,
 * the calling thread included; `0` restores the default (the machine's cores, or the
 * environment variable NABLA_NUM_THREADS). The wasm and js backends run on one thread.
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new Error(`setNumThreads: expected an integer >= 0, got ${n}`);
  getBackend().threads?.set(n);
}

/** The number of threads the kernels use (1 on the wasm and js backends). */
export function getNumThreads(): number {
  return getBackend().threads?.get() ?? 1;
}

/** Switches the backend that ops dispatch to. */
export function setBackend(backend: Backend): void {
  current = backend;
}
