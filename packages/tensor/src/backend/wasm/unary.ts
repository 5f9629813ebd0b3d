import type { TypedArray } from "../../dtype.js";
import type { UnaryOp, View } from "../backend.js";
import { jsBackend } from "../js/index.js";
import type { Kernels, Scratch } from "./gemm.js";

const CODES: Partial<Record<UnaryOp, number>> = { exp: 0, sigmoid: 1, tanh: 2 };

/** Below this many elements the copies in and out cost more than the vector loop saves. */
const MIN_SIZE = 64;

/**
 * Float32 exp, sigmoid and tanh on WebAssembly SIMD: the input is copied (densely) into the
 * scratch memory, transformed four lanes at a time, and copied out. Other ops and dtypes run
 * in the TypeScript backend.
 */
export function wasmUnary(k: Kernels, scratch: Scratch) {
  return (op: UnaryOp, x: View, out: TypedArray): void => {
    const code = CODES[op];
    const n = out.length;
    if (code === undefined || !(out instanceof Float32Array) || n < MIN_SIZE) {
      jsBackend.unary(op, x, out);
      return;
    }
    const n4 = (n + 3) & ~3;
    // After the gemm's held operand: a recurrent weight stays resident between steps.
    const { mem, at: xp } = scratch.transient(2 * n4);
    const yp = xp + n4;
    jsBackend.copy(x, mem.subarray(xp, xp + n));
    k.unaryF32(code, xp * 4, yp * 4, n4);
    out.set(mem.subarray(yp, yp + n));
  };
}
