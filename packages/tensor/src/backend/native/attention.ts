import type { FloatArray, AttentionKernels as NativeAttention } from "@nablajs/native";
import { allocate, type TypedArray } from "../../dtype.js";
import type { AttentionKernels, AttentionMask, AttentionProblem } from "../backend.js";

type Floats = FloatArray;

/** The problem's sizes and the mask's view, as the addon's calls take them after q, k, v. */
function maskArgs(mask: AttentionMask | null): [Floats | null, number, number, number, number, number] {
  if (mask === null) return [null, 0, 0, 0, 0, 0];
  const [sb, sh, sl, ss] = mask.strides;
  return [mask.data as Floats, mask.offset, sb, sh, sl, ss];
}

/**
 * Fused attention in the addon (blocks of keys with an online softmax, products on its GEMM,
 * threads over heads and blocks of queries), float32 and float64, on typed arrays this side
 * allocates: the garbage collector frees them. `null` when the addon predates the kernels.
 */
export function nativeAttention(addon: object): AttentionKernels | undefined {
  if (!("attentionForward" in addon) || !("attentionBackward" in addon)) return undefined;
  const { attentionForward, attentionBackward } = addon as NativeAttention;
  const rows = addon as Partial<NativeAttention>;
  const sizes = (p: AttentionProblem) => [p.B, p.H, p.L, p.S, p.D, p.Dv, p.scale, p.causal] as const;
  return {
    supports: (p) => p.dtype === "float32" || p.dtype === "float64",
    forward(p, q, k, v, mask) {
      const n = p.B * p.H;
      const out = allocate(p.dtype, n * p.L * p.Dv);
      const lse = allocate(p.dtype, n * p.L);
      attentionForward(
        ...sizes(p),
        q as Floats,
        k as Floats,
        v as Floats,
        ...maskArgs(mask),
        out as Floats,
        lse as Floats,
      );
      return { out, lse };
    },
    backward(p, q, k, v, mask, out, lse, dout) {
      const n = p.B * p.H;
      const dq = allocate(p.dtype, n * p.L * p.D);
      const dk = allocate(p.dtype, n * p.S * p.D);
      const dv = allocate(p.dtype, n * p.S * p.Dv);
      // biome-ignore format: one call, its arguments in the addon's order
      attentionBackward(...sizes(p), q as Floats, k as Floats, v as Floats, ...maskArgs(mask), out as Floats, lse as Floats, dout as Floats, dq as Floats, dk as Floats, dv as Floats);
      return { dq, dk, dv };
    },
    ...(rows.transformerGelu && rows.transformerLayerNorm && rows.transformerLayerNormBackward
      ? rowKernels(addon as NativeAttention)
      : {}),
  };
}

/** GELU and LayerNorm as one native pass each (float32 and float64). */
function rowKernels(k: NativeAttention): Pick<AttentionKernels, "gelu" | "layerNorm" | "layerNormBackward"> {
  const dtype = (x: TypedArray) => (x instanceof Float64Array ? "float64" : "float32");
  return {
    gelu: (approximate, x, y, dy) =>
      k.transformerGelu(approximate === "tanh", x as Floats, y as Floats, dy as Floats),
    layerNorm(n, eps, x, w, b) {
      const rows = x.length / n;
      const [y, mean, rstd] = [
        allocate(dtype(x), x.length),
        allocate(dtype(x), rows),
        allocate(dtype(x), rows),
      ];
      k.transformerLayerNorm(
        n,
        eps,
        x as Floats,
        w as Floats | null,
        b as Floats | null,
        y as Floats,
        mean as Floats,
        rstd as Floats,
      );
      return { y, mean, rstd };
    },
    layerNormBackward(n, x, w, mean, rstd, g, wants) {
      const dx = allocate(dtype(x), x.length);
      const dw = wants.w ? allocate(dtype(x), n) : null;
      const db = wants.b ? allocate(dtype(x), n) : null;
      // biome-ignore format: one call, its arguments in the addon's order
      k.transformerLayerNormBackward(n, x as Floats, w as Floats | null, mean as Floats, rstd as Floats, g as Floats, dx as Floats, dw as Floats | null, db as Floats | null);
      return { dx, dw, db };
    },
  };
}
