import type { GemmKernels, PackedMatrix } from "@nablajs/native";
import type { TypedArray } from "../../dtype.js";
import type { Backend, View } from "../backend.js";
import { forEachRow } from "../js/rows.js";

/** A 2-D right operand that `prepare` also packed once in the micro-kernels' layout. */
type Prepared = View & { packed?: PackedMatrix };

type Floats = Float32Array | Float64Array;

/**
 * The native matrix product: every float product runs in the addon's packed GEMM (AVX-512 or
 * AVX2 micro-kernels, both cores for big products) on the tensors' own memory, transposed
 * operands by their strides. A batch walks its leading axes here, one GEMM per matrix.
 */
export function nativeMatmul(gemm: GemmKernels, fallback: Backend["matmul"]): Backend["matmul"] {
  return (a: View, b: View, out: TypedArray): void => {
    if (!(out instanceof Float32Array || out instanceof Float64Array)) {
      fallback(a, b, out);
      return;
    }
    const nd = a.shape.length;
    const m = a.shape[nd - 2]!;
    const k = a.shape[nd - 1]!;
    const n = b.shape[nd - 1]!;
    const [as0, as1] = [a.strides[nd - 2]!, a.strides[nd - 1]!];
    const [bs0, bs1] = [b.strides[nd - 2]!, b.strides[nd - 1]!];
    const packed = nd === 2 ? (b as Prepared).packed : undefined;
    if (nd === 2) {
      if (packed) gemm.gemmPacked(a.data as Floats, a.offset, as0, as1, packed, out, 0, n, m, false);
      else
        gemm.gemm(
          a.data as Floats,
          a.offset,
          as0,
          as1,
          b.data as Floats,
          b.offset,
          bs0,
          bs1,
          out,
          0,
          n,
          m,
          n,
          k,
          false,
        );
      return;
    }
    let index = 0;
    const batch = a.shape.slice(0, nd - 2);
    const strides = [
      [...a.strides.slice(0, nd - 2), 0],
      [...b.strides.slice(0, nd - 2), 0],
    ];
    forEachRow([...batch, 1], strides, [a.offset, b.offset], (offs) => {
      gemm.gemm(
        a.data as Floats,
        offs[0]!,
        as0,
        as1,
        b.data as Floats,
        offs[1]!,
        bs0,
        bs1,
        out,
        index * m * n,
        n,
        m,
        n,
        k,
        false,
      );
      index++;
    });
  };
}

/** Packs a 2-D float right operand once for many products (a recurrent weight over a sequence). */
export function nativePrepare(gemm: GemmKernels): NonNullable<Backend["prepare"]> {
  return (b: View): View => {
    if (b.shape.length !== 2 || !(b.data instanceof Float32Array || b.data instanceof Float64Array)) return b;
    const [k, n] = b.shape as [number, number];
    const packed = gemm.packB(b.data, b.offset, b.strides[0]!, b.strides[1]!, k, n);
    return { ...b, packed } as Prepared;
  };
}
