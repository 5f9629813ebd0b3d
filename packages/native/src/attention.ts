/** The fused attention kernels of the addon, and GELU and LayerNorm (csrc/bind/attention.cc, csrc/attention/). */
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
  /**
   * y = gelu(x), dy = gelu'(x) elementwise (all three of one length and dtype): with `tanhForm`,
   * t = tanh(c (x + 0.044715 x^3)), c = sqrt(2/pi), y = x (1 + t) / 2, vectorised; else exactly,
   * y = x Φ(x) with the C library's erf.
   */
  transformerGelu(tanhForm: boolean, x: FloatArray, y: FloatArray, dy: FloatArray): void;
  /**
   * LayerNorm over the rows of x [rows, n] (its length a multiple of n): mean [rows],
   * rstd = 1 / sqrt(var + eps) [rows] (biased variance), y = (x - mean) rstd w + b (w, b [n] or null).
   */
  transformerLayerNorm(
    n: number,
    eps: number,
    x: FloatArray,
    w: FloatArray | null,
    b: FloatArray | null,
    y: FloatArray,
    mean: FloatArray,
    rstd: FloatArray,
  ): void;
  /**
   * Its backward from g: dx = rstd (g w - mean(g w) - x̂ mean(g w x̂)) with x̂ = (x - mean) rstd;
   * dw = Σ_rows g x̂ and db = Σ_rows g when not null (summed in a fixed order of at most 16 row
   * ranges, the same bit for bit on any number of threads).
   */
  transformerLayerNormBackward(
    n: number,
    x: FloatArray,
    w: FloatArray | null,
    mean: FloatArray,
    rstd: FloatArray,
    g: FloatArray,
    dx: FloatArray,
    dw: FloatArray | null,
    db: FloatArray | null,
  ): void;
}
