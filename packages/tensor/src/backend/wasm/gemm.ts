import type { TypedArray } from "../../dtype.js";
import { kernelsBase64 } from "./kernels.generated.js";

export interface Kernels {
  memory: WebAssembly.Memory;
  unaryF32(op: number, x: number, out: number, n: number): void;
  // biome-ignore format: kernel signature
  gemmNN(m4: number, n8: number, kc: number, a: number, aPanel: number, b: number, bPanel: number, c: number, ldc: number, acc: number): void;
}

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const text = atob(s);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * The compiled kernels, or why they cannot run here: no WebAssembly, no SIMD, or a page whose
 * Content-Security-Policy forbids compiling WebAssembly (it needs 'wasm-unsafe-eval').
 */
export function instantiateKernels(): Kernels | string {
  if (typeof WebAssembly !== "object") return "this runtime has no WebAssembly";
  try {
    const bytes = decodeBase64(kernelsBase64);
    if (!WebAssembly.validate(bytes)) return "WebAssembly SIMD does not validate in this runtime";
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { abort: () => {} } });
    return instance.exports as unknown as Kernels;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return `WebAssembly cannot be compiled here (${why}); a Content-Security-Policy must allow 'wasm-unsafe-eval'`;
  }
}

/** A strided matrix: element [i, j] at data[offset + i*s0 + j*s1]. */
export interface Mat {
  data: TypedArray;
  offset: number;
  s0: number;
  s1: number;
}

const up = (x: number, m: number) => Math.ceil(x / m) * m;

/** Steps of k per kernel call: a 256 x 8 panel strip of B (8 KB) stays in L1 while every A panel passes. */
const KC = 256;

/**
 * Packs A [m, k] into panels of 4 rows, [m/4][k][4], zero-filling rows past m. Four rows are
 * read side by side, so both a row-major and a transposed A pack in one pass.
 */
function packA(A: Mat, m: number, k: number, dst: Float32Array, at: number): void {
  const { data, offset, s0, s1 } = A;
  const full = m >> 2;
  for (let ib = 0; ib < full; ib++) {
    const r0 = offset + ib * 4 * s0;
    let d = at + ib * k * 4;
    for (let p = 0, src = r0; p < k; p++, d += 4, src += s1) {
      dst[d] = data[src]!;
      dst[d + 1] = data[src + s0]!;
      dst[d + 2] = data[src + 2 * s0]!;
      dst[d + 3] = data[src + 3 * s0]!;
    }
  }
  if (full * 4 < m) {
    let d = at + full * k * 4;
    for (let p = 0; p < k; p++, d += 4) {
      for (let r = 0; r < 4; r++)
        dst[d + r] = full * 4 + r < m ? data[offset + (full * 4 + r) * s0 + p * s1]! : 0;
    }
  }
}

/** Packs B [k, n] into panels of 8 columns, [n/8][k][8], zero-filling columns past n. */
function packB(B: Mat, k: number, n: number, dst: Float32Array, at: number): void {
  const { data, offset, s0, s1 } = B;
  const full = n >> 3;
  const step = k * 8;
  for (let p = 0; p < k; p++) {
    let src = offset + p * s0;
    let d = at + p * 8;
    for (let jb = 0; jb < full; jb++, d += step, src += 8 * s1) {
      dst[d] = data[src]!;
      dst[d + 1] = data[src + s1]!;
      dst[d + 2] = data[src + 2 * s1]!;
      dst[d + 3] = data[src + 3 * s1]!;
      dst[d + 4] = data[src + 4 * s1]!;
      dst[d + 5] = data[src + 5 * s1]!;
      dst[d + 6] = data[src + 6 * s1]!;
      dst[d + 7] = data[src + 7 * s1]!;
    }
    if (full * 8 < n) {
      for (let q = 0; q < 8; q++) dst[d + q] = full * 8 + q < n ? data[src + q * s1]! : 0;
    }
  }
}

/** A right operand packed once for many products (a recurrent weight over a sequence). */
export class PackedB {
  constructor(
    readonly k: number,
    readonly n: number,
    readonly panels: Float32Array,
  ) {}

  static from(B: Mat, k: number, n: number): PackedB {
    const panels = new Float32Array(up(n, 8) * k);
    packB(B, k, n, panels, 0);
    return new PackedB(k, n, panels);
  }
}

/**
 * The region of the module's memory that kernels work in: grown on demand, reused by every call.
 * It is as large as the largest operation so far; WebAssembly memory cannot shrink, so that is
 * the bound (about 3x the operands of the largest float32 product). `user` owns the region from
 * `base`; its first `held` floats (a resident operand) survive other kernels' transient use.
 */
export class Scratch {
  readonly base: number;
  private f32: Float32Array;
  user: unknown = null;
  held = 0;

  constructor(private readonly memory: WebAssembly.Memory) {
    this.base = memory.buffer.byteLength;
    this.f32 = new Float32Array(memory.buffer);
  }

  private ensure(floats: number): Float32Array {
    const need = this.base + floats * 4;
    const have = this.memory.buffer.byteLength;
    if (need > have) this.memory.grow(Math.ceil((need - have) / 65536));
    if (this.f32.buffer !== this.memory.buffer) this.f32 = new Float32Array(this.memory.buffer);
    return this.f32;
  }

  /** The memory as floats, with at least `floats` of them from `base`, claimed by `user`. */
  reserve(floats: number, user: unknown): Float32Array {
    this.user = user;
    this.held = 0;
    return this.ensure(floats);
  }

  /** Room for `floats` after the held prefix, for a kernel that keeps nothing between calls. */
  transient(floats: number): { mem: Float32Array; at: number } {
    const mem = this.ensure(this.held + floats);
    return { mem, at: (this.base >> 2) + this.held };
  }
}

/**
 * Float32 matrix products on WebAssembly SIMD. Operands are packed into one scratch region of
 * the module's memory (grown on demand and reused: nothing to free) as the panels the 4x8
 * micro-kernel streams: B first, so a prepared B used for consecutive products stays resident.
 */
export class WasmGemm {
  private resident: PackedB | null = null;

  constructor(
    private readonly k: Kernels,
    private readonly scratch: Scratch,
  ) {}

  /** c[co .. co + m*n) = A[m,k] B[k,n], row-major; B strided or prepared with `PackedB.from`. */
  run(m: number, n: number, k: number, A: Mat, B: Mat | PackedB, c: Float32Array, co: number): void {
    const m4 = up(m, 4);
    const n8 = up(n, 8);
    const intact = this.scratch.user === this;
    const mem = this.scratch.reserve(n8 * k + m4 * k + m4 * n8, this);
    const bp = this.scratch.base >> 2;
    const ap = bp + n8 * k;
    const cp = ap + m4 * k;
    if (B instanceof PackedB) {
      if (this.resident !== B || !intact) mem.set(B.panels, bp);
      this.resident = B;
      this.scratch.held = n8 * k;
    } else {
      packB(B, k, n, mem, bp);
      this.resident = null;
    }
    packA(A, m, k, mem, ap);
    for (let k0 = 0; k0 < k; k0 += KC) {
      const kc = Math.min(KC, k - k0);
      this.k.gemmNN(
        m4 / 4,
        n8 / 8,
        kc,
        (ap + k0 * 4) * 4,
        k * 16,
        (bp + k0 * 8) * 4,
        k * 32,
        cp * 4,
        n8,
        k0 > 0 ? 1 : 0,
      );
    }
    if (n8 === n) c.set(mem.subarray(cp, cp + m * n), co);
    else for (let i = 0; i < m; i++) c.set(mem.subarray(cp + i * n8, cp + i * n8 + n), co + i * n);
  }
}
