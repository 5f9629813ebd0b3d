import type { TypedArray } from "../../dtype.js";
import type { Backend, View } from "../backend.js";
import { jsBackend } from "../js/index.js";
import { forEachRow } from "../js/rows.js";
import { wasmAttention } from "./attention.js";
import { instantiateKernels, PackedB, Scratch, WasmGemm } from "./gemm.js";
import { wasmUnary } from "./unary.js";

/** A view whose values were also packed once for the micro-kernel by `prepare`. */
type Prepared = View & { packed?: PackedB };

/** Products smaller than this many multiply-adds stay in TypeScript: packing would cost more. */
const MIN_WORK = 8 * 8 * 8;

/**
 * The WebAssembly SIMD backend: float32 matrix products run in a 4x8 f32x4 micro-kernel and
 * float32 exp, sigmoid and tanh four lanes at a time, compiled from AssemblyScript; everything
 * else is the TypeScript backend's. Null where
 * WebAssembly SIMD does not validate.
 */
export function createWasmBackend(): Backend | null {
  const b = wasmBackendOrReason();
  return typeof b === "string" ? null : b;
}

/** The WebAssembly backend, or why it cannot run here (no SIMD, a CSP that forbids compiling). */
export function wasmBackendOrReason(): Backend | string {
  const kernels = instantiateKernels();
  if (typeof kernels === "string") return kernels;
  const scratch = new Scratch(kernels.memory);
  const gemm = new WasmGemm(kernels, scratch);
  const matmul = (a: View, b: View, out: TypedArray): void => {
    const nd = a.shape.length;
    const m = a.shape[nd - 2]!;
    const k = a.shape[nd - 1]!;
    const n = b.shape[nd - 1]!;
    if (!(out instanceof Float32Array) || m * n * k < MIN_WORK) {
      jsBackend.matmul(a, b, out);
      return;
    }
    const [as0, as1] = [a.strides[nd - 2]!, a.strides[nd - 1]!];
    const [bs0, bs1] = [b.strides[nd - 2]!, b.strides[nd - 1]!];
    const batch = a.shape.slice(0, nd - 2);
    const packed = b.shape.length === 2 ? (b as Prepared).packed : undefined;
    let index = 0;
    forEachRow(
      [...batch, 1],
      [
        [...a.strides.slice(0, nd - 2), 0],
        [...b.strides.slice(0, nd - 2), 0],
      ],
      [a.offset, b.offset],
      (offs) => {
        const A = { data: a.data, offset: offs[0]!, s0: as0, s1: as1 };
        const B = packed ?? { data: b.data, offset: offs[1]!, s0: bs0, s1: bs1 };
        gemm.run(m, n, k, A, B, out, index * m * n);
        index++;
      },
    );
  };
  const prepare = (b: View): View => {
    if (b.shape.length !== 2 || !(b.data instanceof Float32Array)) return b;
    const [k, n] = b.shape as [number, number];
    const packed = PackedB.from(
      { data: b.data, offset: b.offset, s0: b.strides[0]!, s1: b.strides[1]! },
      k,
      n,
    );
    return { ...b, packed } as Prepared;
  };
  const attention = wasmAttention(kernels, scratch);
  return { ...jsBackend, name: "wasm", matmul, prepare, unary: wasmUnary(kernels, scratch), attention };
}
