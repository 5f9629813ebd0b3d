import { allocate, type DType, shapeStr, Tensor, toTypedArray } from "@nablajs/tensor";

/** The causal mask [L, S]: 0 where key j <= query i, -inf above the diagonal (top-left aligned). */
export function causalMask(L: number, S: number, dtype: DType): Tensor {
  const out = allocate(dtype, L * S);
  for (let i = 0; i < L; i++) out.fill(Number.NEGATIVE_INFINITY, i * S + Math.min(i + 1, S), (i + 1) * S);
  return new Tensor(out, [L, S]);
}

/**
 * A mask as an additive float mask of `dtype`: a float mask is returned as it is (it must have
 * `dtype`); an int32 (boolean) mask becomes -inf where it forbids attending and 0 elsewhere.
 * `forbids` says which int32 value forbids: "nonzero" (nn.MultiheadAttention's True = masked)
 * or "zero" (scaled_dot_product_attention's True = may attend).
 */
export function additiveMask(
  op: string,
  what: string,
  mask: Tensor,
  dtype: DType,
  forbids: "nonzero" | "zero",
): Tensor {
  if (!(mask instanceof Tensor)) throw new Error(`${op}: ${what} must be a Tensor, got ${typeof mask}`);
  if (mask.dtype !== "int32") {
    if (mask.dtype !== dtype)
      throw new Error(
        `${op}: ${what} is ${mask.dtype} but the inputs are ${dtype}; a float mask must have their dtype (or pass an int32 0/1 mask)`,
      );
    return mask;
  }
  const src = toTypedArray(mask);
  const out = allocate(dtype, src.length);
  const hit = forbids === "nonzero";
  for (let i = 0; i < src.length; i++) if ((src[i] !== 0) === hit) out[i] = Number.NEGATIVE_INFINITY;
  return new Tensor(out, mask.shape);
}

/** Throws unless `mask` broadcasts to `shape` (right-aligned, size-1 axes repeat). */
export function checkBroadcast(op: string, what: string, mask: Tensor, shape: readonly number[]): void {
  const ok =
    mask.ndim <= shape.length &&
    mask.shape.every((d, i) => d === 1 || d === shape[shape.length - mask.ndim + i]);
  if (!ok) throw new Error(`${op}: ${what} ${shapeStr(mask.shape)} does not broadcast to ${shapeStr(shape)}`);
}
