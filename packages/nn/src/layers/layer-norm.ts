import { add, div, mean, mul, ones, shapeStr, sqrt, square, sub, Tensor, zeros } from "@nablajs/tensor";
import { Module } from "../module.js";
import { checkSize, floatDType, type LayerOptions } from "./options.js";

/** Options of `LayerNorm`. */
export interface LayerNormOptions extends LayerOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Learn a per-element scale (ones) and shift (zeros) (default true). */
  elementwiseAffine?: boolean;
  /** Learn the shift when `elementwiseAffine` (default true). */
  bias?: boolean;
}

function normShape(op: string, shape: number | readonly number[]): number[] {
  if (typeof shape !== "number" && !Array.isArray(shape))
    throw new Error(`${op}: normalizedShape must be a number or an array of numbers, got ${shape}`);
  const s = typeof shape === "number" ? [shape] : [...shape];
  if (s.length === 0) throw new Error(`${op}: normalizedShape must have at least one axis`);
  for (const d of s) checkSize(op, "each axis of normalizedShape", d, true);
  return s;
}

function checkEps(op: string, eps: number): void {
  if (typeof eps !== "number" || !(eps >= 0) || !Number.isFinite(eps))
    throw new Error(`${op}: eps must be a finite number >= 0, got ${eps}`);
}

/**
 * y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias, with the mean and the biased variance
 * taken over the trailing axes given by `normalizedShape`; weight and bias have that shape.
 * The functional form of `LayerNorm` (torch.nn.functional.layer_norm).
 */
export function layerNorm(
  x: Tensor,
  normalizedShape: number | readonly number[],
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  if (!(x instanceof Tensor)) throw new Error("layerNorm: expected a Tensor");
  const shape = normShape("layerNorm", normalizedShape);
  checkEps("layerNorm", eps);
  const k = shape.length;
  if (x.ndim < k || x.shape.slice(x.ndim - k).join() !== shape.join())
    throw new Error(`layerNorm: input ${shapeStr(x.shape)} must end in normalizedShape ${shapeStr(shape)}`);
  for (const [name, t] of [
    ["weight", weight],
    ["bias", bias],
  ] as const) {
    if (t !== null && (!(t instanceof Tensor) || t.shape.join() !== shape.join()))
      throw new Error(
        `layerNorm: ${name} must have shape ${shapeStr(shape)}, got ${t instanceof Tensor ? shapeStr(t.shape) : t}`,
      );
  }
  const axes = shape.map((_, i) => x.ndim - k + i);
  const centred = sub(x, mean(x, axes, true));
  let y = div(centred, sqrt(add(mean(square(centred), axes, true), eps)));
  if (weight !== null) y = mul(y, weight);
  if (bias !== null) y = add(y, bias);
  return y;
}

/**
 * Layer normalisation over the trailing `normalizedShape` axes of x [..., *normalizedShape],
 * with a learned elementwise scale (ones) and shift (zeros).
 * See https://arxiv.org/abs/1607.06450
 */
export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  /** normalizedShape, or null without `elementwiseAffine`. */
  readonly weight: Tensor | null;
  /** normalizedShape, or null without `elementwiseAffine` or `bias`. */
  readonly bias: Tensor | null;

  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions = {}) {
    super();
    const { eps = 1e-5, elementwiseAffine = true, bias = true } = opts;
    this.normalizedShape = normShape("LayerNorm", normalizedShape);
    checkEps("LayerNorm", eps);
    const dtype = floatDType("LayerNorm", opts.dtype);
    this.eps = eps;
    const shape = this.normalizedShape;
    this.weight = this.registerParameter("weight", elementwiseAffine ? ones(shape, { dtype }) : null);
    this.bias = this.registerParameter("bias", elementwiseAffine && bias ? zeros(shape, { dtype }) : null);
  }

  /** x [..., *normalizedShape] -> the same shape. */
  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  protected override extraRepr(): string {
    return `${shapeStr(this.normalizedShape)}, eps=${this.eps}, elementwiseAffine=${this.weight !== null}`;
  }
}
