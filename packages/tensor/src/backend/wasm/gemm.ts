import type { TypedArray } from "../../dtype.js";
import { kernelsBase64 } from "./kernels.generated.js";

interface Kernels {
  memory: WebAssembly.Memory;
  // biome-ignore format: kernel signature
  gemmNN(m4: number, n8: number, kc: number, a: number, aPanel: number, b: number, ldb: number, c: number, ldc: number, acc: number): void;
  gemmNT(
    m: number,
    n: number,
    k4: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    c: number,
    ldc: number,
  ): void;
}

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const text = atob(s);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** The compiled kernels, or null where WebAssembly SIMD does not validate. */
export function instantiateKernels(): Kernels | null {
  if (typeof WebAssembly !== "object") return null;
  try {
    const bytes = decodeBase64(kernelsBase64);
    if (!WebAssembly.validate(bytes)) return null;
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { abort: () => {} } });
    return instance.exports as unknown as Kernels;
  } catch {
    return null;
  }
}

/** A strided matrix: element [i, j] at data[offset + i*s0 + j*s1]. */
export interface Mat {
  data: TypedArray;
  offset: number;
  s0: number;
  s1: number;
}

/**
 * Copies `rows` x `cols` of a strided matrix into `dst` at row stride `ld`, zeroing the padding
 * columns [cols, ld). Contiguous rows go as one memcpy each.
 */
function copyPadded(src: Mat, rows: number, cols: number, dst: Float32Array, at: number, ld: number): void {
  const { data, offset, s0, s1 } = src;
  for (let i = 0; i < rows; i++) {
    const o = at + i * ld;
    const r = offset + i * s0;
    if (s1 === 1) dst.set(data.subarray(r, r + cols), o);
    else for (let j = 0; j < cols; j++) dst[o + j] = data[r + j * s1]!;
    if (ld > cols) dst.fill(0, o + cols, o + ld);
  }
}

const up = (x: number, m: number) => Math.ceil(x / m) * m;

/** Steps of k per kernel call: 256 x 8 floats of B (8 KB) stay in L1 while every panel of A passes. */
const KC = 256;

/**
 * Packs A [m, k] into panels of 4 rows, [m/4][k][4], zero-filling rows past m: the layout the
 * micro-kernel streams. Reads follow A's storage order, so a transposed A packs as fast as a plain one.
 */
function packPanels(A: Mat, m: number, k: number, dst: Float32Array, at: number): void {
  const { data, offset, s0, s1 } = A;
  const m4 = up(m, 4);
  if (s0 === 1 && s1 !== 1) {
    // Column-major A (a transposed view): walk each stored row (one k) across all m.
    for (let p = 0; p < k; p++) {
      const src = offset + p * s1;
      for (let i = 0; i < m; i++) dst[at + (i >> 2) * k * 4 + p * 4 + (i & 3)] = data[src + i]!;
    }
  } else {
    for (let i = 0; i < m; i++) {
      const src = offset + i * s0;
      const base = at + (i >> 2) * k * 4 + (i & 3);
      for (let p = 0; p < k; p++) dst[base + p * 4] = data[src + p * s1]!;
    }
  }
  for (let i = m; i < m4; i++) {
    const base = at + (i >> 2) * k * 4 + (i & 3);
    for (let p = 0; p < k; p++) dst[base + p * 4] = 0;
  }
}

/**
 * Float32 matrix products on WebAssembly SIMD. Operands are copied into one scratch region of the
 * module's memory (grown on demand and reused: nothing to free) in the layout a kernel reads
 * without gathers: A B^T with both row-major runs as dot products (gemmNT); everything else
 * as the 4x8 micro-kernel (gemmNN) over A packed in 4-row panels.
 */
export class WasmGemm {
  private readonly base: number;
  private f32: Float32Array;

  constructor(private readonly k: Kernels) {
    this.base = k.memory.buffer.byteLength;
    this.f32 = new Float32Array(k.memory.buffer);
  }

  private reserve(floats: number): Float32Array {
    const need = this.base + floats * 4;
    const have = this.k.memory.buffer.byteLength;
    if (need > have) this.k.memory.grow(Math.ceil((need - have) / 65536));
    if (this.f32.buffer !== this.k.memory.buffer) this.f32 = new Float32Array(this.k.memory.buffer);
    return this.f32;
  }

  /** c[co .. co + m*n) = A[m,k] B[k,n], row-major. */
  run(m: number, n: number, k: number, A: Mat, B: Mat, c: Float32Array, co: number): void {
    const p0 = this.base >> 2;
    if (B.s0 === 1 && B.s1 !== 1 && A.s1 === 1) {
      // A B^T: rows of A and rows of B^T are both contiguous along k.
      const k4 = up(k, 4);
      const mem = this.reserve((m + n) * k4 + m * n);
      const bp = p0 + m * k4;
      const cp = bp + n * k4;
      copyPadded(A, m, k, mem, p0, k4);
      copyPadded({ data: B.data, offset: B.offset, s0: B.s1, s1: B.s0 }, n, k, mem, bp, k4);
      this.k.gemmNT(m, n, k4, p0 * 4, k4, bp * 4, k4, cp * 4, n);
      c.set(mem.subarray(cp, cp + m * n), co);
      return;
    }
    const m4 = up(m, 4);
    const n8 = up(n, 8);
    const mem = this.reserve(m4 * k + k * n8 + m4 * n8);
    const bp = p0 + m4 * k;
    const cp = bp + k * n8;
    packPanels(A, m, k, mem, p0);
    copyPadded(B, k, n, mem, bp, n8);
    // Block k so a 8-column strip of B (KC x 8 floats) stays in L1 across all row panels.
    for (let k0 = 0; k0 < k; k0 += KC) {
      const kc = Math.min(KC, k - k0);
      this.k.gemmNN(
        m4 / 4,
        n8 / 8,
        kc,
        (p0 + k0 * 4) * 4,
        k * 16,
        (bp + k0 * n8) * 4,
        n8,
        cp * 4,
        n8,
        k0 > 0 ? 1 : 0,
      );
    }
    for (let i = 0; i < m; i++) c.set(mem.subarray(cp + i * n8, cp + i * n8 + n), co + i * n);
  }
}
