import type { DType, Generator } from "@nablajs/tensor";

/** The `{ dtype }` option every layer accepts: its parameters' dtype. */
export interface LayerOptions {
  /** float32 (default) or float64. */
  dtype?: DType;
}

/** Layers whose parameters (or masks) are drawn at random. */
export interface RandomLayerOptions extends LayerOptions {
  /** The seeded stream to draw from (default: the global generator that `manualSeed` sets). */
  generator?: Generator;
}

/** The layer's float dtype, float32 by default; throws naming the layer otherwise. */
export function floatDType(layer: string, dtype: DType | undefined): "float32" | "float64" {
  const d = dtype ?? "float32";
  if (d !== "float32" && d !== "float64")
    throw new Error(`${layer}: dtype must be float32 or float64, got ${JSON.stringify(d)}`);
  return d;
}

/** Checks that `n` is a non-negative (or positive) integer for argument `what` of `layer`. */
export function checkSize(layer: string, what: string, n: number, positive = false): void {
  if (!Number.isInteger(n) || n < (positive ? 1 : 0))
    throw new Error(
      `${layer}: ${what} must be a ${positive ? "positive" : "non-negative"} integer, got ${n}`,
    );
}
