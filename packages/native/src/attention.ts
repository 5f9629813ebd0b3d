/** The fused attention kernels of the addon (csrc/bind/attention.cc, csrc/attention/). */
import type { FloatArray } from "./gemm.js";

/**
 * Scaled dot-product attention over B H heads in one call each way, flash-attention style (keys
 * in blocks of 64 with an online softmax: no more than a 64 x 64 block of scores per thread),
 * with the semantics of the TypeScript kernel of @nablajs/nn (`src/transformer/fused/flash.ts`).
 * Per head n = b H + h, with q [L, D], k [S, D], v [S, Dv] at offset n L D, n S D, n S Dv:
 *
 *   s_ij  = scale q_i·k_j + mask[offset + b sb + h sh + i sl + j ss]   (-inf where causal and j > i)
 *   out_i = Σ_j softmax_j(s_i)_j v_j,   lse_i = log Σ_j e^{s_ij}        (NaN for a fully masked row)
 *
 * Every array is a flat row-major typed array of EXACTLY its length (q [B H, L, D], k [B H, S, D],
 * v [B H, S, Dv], out and dout [B H, L, Dv], lse [B H, L]); all are Float32Array or all
 * Float64Array; `mask` is null or a float array of the same dtype whose every element the strides
 * reach lies inside it (a stride 0 broadcasts an axis). The caller allocates the outputs (ordinary
 * typed arrays: the garbage collector frees them); no output may overlap another array. A bad
 * argument throws a TypeError naming it before anything is read. The products run on the GEMM's
 * instruction set (`setGemmIsa`) and `numThreads()` threads: forward tasks are (head, block of 64
 * queries), backward tasks are heads.
 */
export interface AttentionKernels {
  /** Fills out and lse. */
  attentionForward(
    B: number,
    H: number,
    L: number,
    S: number,
    D: number,
    Dv: number,
    scale: number,
    causal: boolean,
    q: FloatArray,
    k: FloatArray,
    v: FloatArray,
    mask: FloatArray | null,
    maskOffset: number,
    maskStrideB: number,
    maskStrideH: number,
    maskStrideL: number,
    maskStrideS: number,
    out: FloatArray,
    lse: FloatArray,
  ): void;
  /**
   * Fills dq, dk and dv (overwritten) from the forward's out and lse and the cotangent dout,
   * recomputing each block of scores: dv = Pᵀ dout, dS = P (dout vᵀ - δ) with δ_i = dout_i·out_i,
   * dq = scale dS k, dk = scale dSᵀ q.
   */
  attentionBackward(
    B: number,
    H: number,
    L: number,
    S: number,
    D: number,
    Dv: number,
    scale: number,
    causal: boolean,
    q: FloatArray,
    k: FloatArray,
    v: FloatArray,
    mask: FloatArray | null,
    maskOffset: number,
    maskStrideB: number,
    maskStrideH: number,
    maskStrideL: number,
    maskStrideS: number,
    out: FloatArray,
    lse: FloatArray,
    dout: FloatArray,
    dq: FloatArray,
    dk: FloatArray,
    dv: FloatArray,
  ): void;
  /** The instruction set the row math runs on: "avx512", "avx2" or "scalar" (the GEMM's). */
  attentionIsa(): string;
}
