/** The matrix-product kernels of the addon (csrc/bind/gemm.cc) and its thread pool. */

/** The element arrays the kernels take: all operands of one call share one of the two. */
export type FloatArray = Float32Array | Float64Array;

/**
 * B packed once by {@link GemmKernels.packB} in the layout of the micro-kernels: an opaque handle
 * whose memory the garbage collector frees (no dispose).
 */
export interface PackedMatrix {
  readonly __brand: "PackedMatrix";
}

/** The instruction sets the GEMM kernels can run. */
export type GemmIsa = "avx512" | "avx2" | "scalar";

/**
 * Strided operands: element [i, j] of A is `a[aOff + i * as0 + j * as1]` (any integer strides, so a
 * transpose is the same array with its strides swapped: no copy), and C is row-major,
 * C[i, j] = `c[cOff + i * ldc + j]`. Every element a call would touch is checked against the arrays'
 * lengths first (a bad offset or stride throws a TypeError, never reads out of bounds), C may not
 * overlap A or B, and mixing Float32Array and Float64Array throws.
 */
export interface GemmKernels {
  /**
   * C = A B, or C += A B when `accumulate`: C[m, n] = sum_p A[m, p] B[p, n] for p < k.
   * Packed panels and AVX-512 / AVX2 micro-kernels; big products are split across the threads.
   */
  gemm(
    a: FloatArray,
    aOff: number,
    as0: number,
    as1: number,
    b: FloatArray,
    bOff: number,
    bs0: number,
    bs1: number,
    c: FloatArray,
    cOff: number,
    ldc: number,
    m: number,
    n: number,
    k: number,
    accumulate: boolean,
  ): void;

  /**
   * Packs B[k, n] (B[p, j] = `b[bOff + p * bs0 + j * bs1]`) once for {@link GemmKernels.gemmPacked}:
   * a weight reused by many products, as W_hh^T [H, 4H] at every step of a sequence. The values
   * are copied: later writes to `b` do not change the packed matrix.
   */
  packB(b: FloatArray, bOff: number, bs0: number, bs1: number, k: number, n: number): PackedMatrix;

  /**
   * C = A B (or C += A B) with B packed by {@link GemmKernels.packB}: A is [m, k], C is [m, n].
   * With `n0, n1`, only the columns [n0, n1) of C are computed (`cOff` still locates C[0, 0]);
   * n0 must be a multiple of the packed panel width (32 floats or 16 doubles on AVX-512).
   */
  gemmPacked(
    a: FloatArray,
    aOff: number,
    as0: number,
    as1: number,
    packed: PackedMatrix,
    c: FloatArray,
    cOff: number,
    ldc: number,
    m: number,
    accumulate: boolean,
    n0?: number,
    n1?: number,
  ): void;

  /**
   * Sets how many threads (the calling one included) the kernels use; 0 restores the default: the
   * machine's cores, or the environment variable NABLA_NUM_THREADS.
   */
  setNumThreads(n: number): void;

  /** The number of threads the kernels use. */
  numThreads(): number;

  /**
   * Forces the GEMM's instruction set, for tests: "auto" (the best the CPU runs) or one of
   * {@link GemmIsa}. Returns false, changing nothing, when the CPU lacks it. Matrices packed
   * earlier keep the kernels they were packed for.
   */
  setGemmIsa(name: "auto" | GemmIsa): boolean;

  /** The instruction set the GEMM runs. */
  gemmIsa(): GemmIsa;
}
