import { elementwiseViews, type NativeAddon } from "@nablajs/native";
import type { Backend } from "../backend.js";
import { nativeAttention } from "./attention.js";
import { nativeMatmul, nativePrepare } from "./matmul.js";
import { nativeRecurrent } from "./recurrent.js";

/** Elementwise work below this many elements stays in TypeScript (see createNativeBackend). */
const SMALL = 64;

/**
 * The native backend: the compiled kernels of @nablajs/native on the tensors' own typed arrays
 * (no copies in or out), with `base` (the TypeScript backend) for what the addon does not run.
 */
export function createNativeBackend(addon: NativeAddon, base: Backend): Backend {
  const v = elementwiseViews(addon);
  // NOTE: a native call costs ~0.23 us against ~0.05 us for the TypeScript loop, which costs
  // 4-20 ns an element to the kernels' 0.1-1: below ~64 elements the TypeScript backend is faster.
  const small = (out: { length: number }) => out.length < SMALL;
  return {
    ...base,
    name: "native",
    unary: (op, x, out) => (small(out) ? base.unary(op, x, out) : v.unary(op, x, out)),
    binary: (op, a, b, out) => (small(out) ? base.binary(op, a, b, out) : v.binary(op, a, b, out)),
    where: (c, a, b, out) => (small(out) ? base.where(c, a, b, out) : v.where(c, a, b, out)),
    copy: (x, out) => (small(out) ? base.copy(x, out) : v.copy(x, out)),
    reduce: (op, x, axes, out) =>
      x.shape.reduce((n, d) => n * d, 1) < SMALL ? base.reduce(op, x, axes, out) : v.reduce(op, x, axes, out),
    matmul: nativeMatmul(addon, base.matmul),
    prepare: nativePrepare(addon),
    threads: { get: () => addon.numThreads(), set: (n) => addon.setNumThreads(n) },
    recurrent: nativeRecurrent(addon),
    attention: nativeAttention(addon),
  };
}
