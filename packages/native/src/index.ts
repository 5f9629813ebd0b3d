import { createRequire } from "node:module";
import type { ElementwiseKernels } from "./elementwise.js";
import type { GemmKernels } from "./gemm.js";
import type { RecurrentKernels } from "./recurrent.js";

export type { AttentionKernels } from "./attention.js";
export type { ElementwiseKernels } from "./elementwise.js";
export {
  axesMask,
  BINARY,
  DTYPE,
  type IsaName,
  type KernelArray,
  LAYOUT_CAPACITY,
  REDUCE,
  type StridedView,
  UNARY,
  writeLayout,
} from "./elementwise.js";
export { type ElementwiseViews, elementwiseViews, type KernelView } from "./elementwise-views.js";
export type { FloatArray, GemmIsa, GemmKernels, PackedMatrix } from "./gemm.js";
export type { RecurrentKernels, RecurrentKind } from "./recurrent.js";

/** The compiled kernels (csrc/bind/*.cc give each one's contract). */
export interface NativeAddon extends GemmKernels, ElementwiseKernels, RecurrentKernels {
  /** The instruction set the kernels run: "avx512", "avx2" or "scalar". */
  isa(): string;
}

/** The addon, or why it could not load. */
export type LoadResult = { addon: NativeAddon; error: null } | { addon: null; error: string };

let cached: LoadResult | undefined;

/** Loads the addon built at install (build/Release/nabla_native.node), once. */
export function loadNative(): LoadResult {
  if (cached !== undefined) return cached;
  const require = createRequire(import.meta.url);
  try {
    cached = { addon: require("../build/Release/nabla_native.node") as NativeAddon, error: null };
  } catch (e) {
    const message = (e as Error).message.split("\n")[0]!;
    let why = message.startsWith("Cannot find module")
      ? "its addon was never built: install scripts did not run (--ignore-scripts, or pnpm waiting for build approval); `npm rebuild @nablajs/native` builds it"
      : `its addon does not load: ${message}`;
    try {
      const status = require("../build/status.json") as { ok: boolean; why: string };
      if (!status.ok)
        why = `its addon did not compile at install (a C++ toolchain is needed): ${status.why.split("\n").slice(-3).join(" | ")}`;
    } catch {}
    cached = { addon: null, error: why };
  }
  return cached;
}
