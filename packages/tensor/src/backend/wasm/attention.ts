import { allocate, type TypedArray } from "../../dtype.js";
import type { AttentionKernels, AttentionMask, AttentionProblem } from "../backend.js";
import type { Kernels, Scratch } from "./gemm.js";

/** The attention exports of the module (asm/attention.ts documents the layouts). */
interface AttentionExports {
  // biome-ignore format: kernel signature
  attentionForwardF32(L: number, S: number, D: number, Dv: number, scale: number, causal: boolean, q: number, kt: number, v: number, mask: number, msl: number, mss: number, out: number, lse: number, s: number, stats: number): void;
  // biome-ignore format: kernel signature
  attentionBackwardF32(L: number, S: number, D: number, Dv: number, scale: number, causal: boolean, q: number, k: number, kt: number, v: number, vt: number, mask: number, msl: number, mss: number, out: number, lse: number, dout: number, dq: number, dk: number, dv: number, s: number, dp: number, delta: number): void;
}

const up = (x: number, m: number) => Math.ceil(x / m) * m;

/** Where each array of one head lives in the scratch memory (float indices) and its padded sizes. */
function layout(p: AttentionProblem, at: number) {
  const [L4, S8, D4, Dv4] = [up(p.L, 4), up(p.S, 8), up(p.D, 4), up(p.Dv, 4)];
  const sizes = {
    q: L4 * D4,
    k: S8 * D4,
    kt: p.D * S8,
    v: S8 * Dv4,
    vt: p.Dv * S8,
    out: L4 * Dv4,
    dout: L4 * Dv4,
    dq: L4 * D4,
    dk: S8 * D4,
    dv: S8 * Dv4,
    lse: L4,
    delta: L4,
    mask: p.L * p.S,
    s: 4 * 64,
    dp: 4 * 64,
    stats: 8,
  };
  const at_: Record<keyof typeof sizes, number> = {} as never;
  let next = at;
  for (const [name, n] of Object.entries(sizes)) {
    at_[name as keyof typeof sizes] = next;
    next += up(n, 4); // 16-byte aligned
  }
  return { at: at_, total: next - at, L4, S8, D4, Dv4 };
}

type Layout = ReturnType<typeof layout>;

/** Copies rows [rows, cols] of src (from `from`) into dst at `to` with row stride `ld`, zeros past cols and rows to `padRows`. */
function putRows(
  dst: Float32Array,
  to: number,
  ld: number,
  src: TypedArray,
  from: number,
  rows: number,
  cols: number,
  padRows: number,
): void {
  if (ld === cols) dst.set(src.subarray(from, from + rows * cols), to);
  else {
    dst.fill(0, to, to + rows * ld);
    for (let r = 0; r < rows; r++) dst.set(src.subarray(from + r * cols, from + (r + 1) * cols), to + r * ld);
  }
  dst.fill(0, to + rows * ld, to + padRows * ld);
}

/** dst[to + c * ld + r] = src[from + r * cols + c]: [rows, cols] transposed, zeros in the padding to ld. */
function putTransposed(
  dst: Float32Array,
  to: number,
  ld: number,
  src: TypedArray,
  from: number,
  rows: number,
  cols: number,
): void {
  for (let c = 0; c < cols; c++) {
    const base = to + c * ld;
    for (let r = 0; r < rows; r++) dst[base + r] = src[from + r * cols + c]!;
    dst.fill(0, base + rows, base + ld);
  }
}

/** Rows of a padded [rows, ld] region of the memory into dense [rows, cols] `out` at `to`. */
function getRows(
  src: Float32Array,
  from: number,
  ld: number,
  out: TypedArray,
  to: number,
  rows: number,
  cols: number,
): void {
  if (ld === cols) out.set(src.subarray(from, from + rows * cols), to);
  else
    for (let r = 0; r < rows; r++) out.set(src.subarray(from + r * ld, from + r * ld + cols), to + r * cols);
}

/**
 * The mask slice of head n = b H + h, compacted to its own extent ([1 or L, 1 or S]) in the
 * memory; returns the kernel's (byte address, row stride, column stride), 0 without a mask.
 * `last` remembers the slice copied, so a mask shared by every head is copied once.
 */
function putMask(
  p: AttentionProblem,
  mask: AttentionMask | null,
  n: number,
  mem: Float32Array,
  to: number,
  last: { base: number },
): [number, number, number] {
  if (mask === null) return [0, 0, 0];
  const [sb, sh, sl, ss] = mask.strides;
  const base = mask.offset + Math.floor(n / p.H) * sb + (n % p.H) * sh;
  const [Lm, Sm] = [sl === 0 ? 1 : p.L, ss === 0 ? 1 : p.S];
  if (last.base !== base) {
    for (let i = 0; i < Lm; i++)
      for (let j = 0; j < Sm; j++) mem[to + i * Sm + j] = mask.data[base + i * sl + j * ss]!;
    last.base = base;
  }
  return [to * 4, sl === 0 ? 0 : Sm, ss === 0 ? 0 : 1];
}

/**
 * Float32 attention on WebAssembly SIMD, one head at a time: its operands are copied into the
 * shared scratch memory (padded, keys and values also transposed), the kernel of asm/attention.ts
 * runs, and the results are copied out. float64 falls back to the TypeScript kernel.
 */
export function wasmAttention(kernels: Kernels, scratch: Scratch): AttentionKernels {
  const k = kernels as Kernels & AttentionExports;
  const reserve = (p: AttentionProblem): { mem: Float32Array; L: Layout } => {
    const probe = layout(p, 0);
    const { mem, at } = scratch.transient(probe.total);
    return { mem, L: layout(p, at) };
  };
  return {
    supports: (p) => p.dtype === "float32",
    forward(p, q, kk, v, mask) {
      const n = p.B * p.H;
      const out = allocate("float32", n * p.L * p.Dv);
      const lse = allocate("float32", n * p.L);
      const { mem, L } = reserve(p);
      const { at } = L;
      const last = { base: -1 };
      for (let h = 0; h < n; h++) {
        putRows(mem, at.q, L.D4, q, h * p.L * p.D, p.L, p.D, L.L4);
        putTransposed(mem, at.kt, L.S8, kk, h * p.S * p.D, p.S, p.D);
        putRows(mem, at.v, L.Dv4, v, h * p.S * p.Dv, p.S, p.Dv, L.S8);
        const [m, msl, mss] = putMask(p, mask, h, mem, at.mask, last);
        // biome-ignore format: kernel call
        k.attentionForwardF32(p.L, p.S, p.D, p.Dv, p.scale, p.causal, at.q * 4, at.kt * 4, at.v * 4, m, msl, mss, at.out * 4, at.lse * 4, at.s * 4, at.stats * 4);
        getRows(mem, at.out, L.Dv4, out, h * p.L * p.Dv, p.L, p.Dv);
        lse.set(mem.subarray(at.lse, at.lse + p.L), h * p.L);
      }
      return { out, lse };
    },
    backward(p, q, kk, v, mask, out, lse, dout) {
      const n = p.B * p.H;
      const dq = allocate("float32", n * p.L * p.D);
      const dk = allocate("float32", n * p.S * p.D);
      const dv = allocate("float32", n * p.S * p.Dv);
      const { mem, L } = reserve(p);
      const { at } = L;
      const last = { base: -1 };
      for (let h = 0; h < n; h++) {
        const [qo, ko, vo, oo] = [h * p.L * p.D, h * p.S * p.D, h * p.S * p.Dv, h * p.L * p.Dv];
        putRows(mem, at.q, L.D4, q, qo, p.L, p.D, L.L4);
        putRows(mem, at.k, L.D4, kk, ko, p.S, p.D, L.S8);
        putTransposed(mem, at.kt, L.S8, kk, ko, p.S, p.D);
        putRows(mem, at.v, L.Dv4, v, vo, p.S, p.Dv, L.S8);
        putTransposed(mem, at.vt, L.S8, v, vo, p.S, p.Dv);
        putRows(mem, at.out, L.Dv4, out, oo, p.L, p.Dv, L.L4);
        putRows(mem, at.dout, L.Dv4, dout, oo, p.L, p.Dv, L.L4);
        putRows(mem, at.lse, 1, lse, h * p.L, p.L, 1, L.L4);
        const [m, msl, mss] = putMask(p, mask, h, mem, at.mask, last);
        // biome-ignore format: kernel call
        k.attentionBackwardF32(p.L, p.S, p.D, p.Dv, p.scale, p.causal, at.q * 4, at.k * 4, at.kt * 4, at.v * 4, at.vt * 4, m, msl, mss, at.out * 4, at.lse * 4, at.dout * 4, at.dq * 4, at.dk * 4, at.dv * 4, at.s * 4, at.dp * 4, at.delta * 4);
        getRows(mem, at.dq, L.D4, dq, qo, p.L, p.D);
        getRows(mem, at.dk, L.D4, dk, ko, p.S, p.D);
        getRows(mem, at.dv, L.Dv4, dv, vo, p.S, p.Dv);
      }
      return { dq, dk, dv };
    },
  };
}
