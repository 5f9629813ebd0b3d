import { elementwiseViews, type NativeAddon } from "@nablajs/native";
import type { Backend } from "../backend.js";
import { nativeMatmul, nativePrepare } from "./matmul.js";
import { nativeRecurrent } from "./recurrent.js";

/**
 * The native backend: the compiled kernels of @nablajs/native on the tensors' own typed arrays
 * (no copies in or out), with `base` (the TypeScript backend) for what the addon does not run.
 */
export function createNativeBackend(addon: NativeAddon, base: Backend): Backend {
  const views = elementwiseViews(addon);
  return {
    ...base,
    name: "native",
    unary: views.unary,
    binary: views.binary,
    where: views.where,
    copy: views.copy,
    reduce: views.reduce,
    matmul: nativeMatmul(addon, base.matmul),
    prepare: nativePrepare(addon),
    recurrent: nativeRecurrent(addon),
  };
}
