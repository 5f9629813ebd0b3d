import { add, matmul, mT, reshape, shapeStr, sizeOf, Tensor, zeros } from "@nablajs/tensor";
import { kaimingUniform, uniform } from "../init.js";
import { Module } from "../module.js";
import { checkSize, floatDType, type RandomLayerOptions } from "./options.js";

/** Options of `Linear`. */
export interface LinearOptions extends RandomLayerOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
}

/**
 * y = x W^T + b on the last axis of `x` (any rank): x [..., in], W [out, in], b [out] -> [..., out].
 * The functional form of `Linear` (torch.nn.functional.linear).
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  if (!(x instanceof Tensor) || !(weight instanceof Tensor)) throw new Error("linear: expected tensors");
  if (weight.ndim !== 2) throw new Error(`linear: weight must be [out, in], got ${shapeStr(weight.shape)}`);
  const [outF, inF] = weight.shape as [number, number];
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inF)
    throw new Error(`linear: input ${shapeStr(x.shape)} must end in inFeatures = ${inF}`);
  if (x.dtype !== weight.dtype)
    throw new Error(`linear: input is ${x.dtype} but the weight is ${weight.dtype}; convert one of them`);
  if (bias !== null && (!(bias instanceof Tensor) || bias.shape.join() !== String(outF)))
    throw new Error(
      `linear: bias must be [${outF}], got ${bias instanceof Tensor ? shapeStr(bias.shape) : bias}`,
    );
  // One [N, in] x [in, out] product over all leading axes, so the weight gradient is one matmul too.
  const lead = x.shape.slice(0, -1);
  const x2 = x.ndim === 2 ? x : reshape(x, [sizeOf(lead), inF]);
  let y = matmul(x2, mT(weight));
  if (bias !== null) y = add(y, bias);
  return x.ndim === 2 ? y : reshape(y, [...lead, outF]);
}

/**
 * A fully connected layer, y = x W^T + b, on the last axis of inputs of any rank:
 * x [..., inFeatures] -> y [..., outFeatures]. Initialised as PyTorch: W by kaimingUniform with
 * a = sqrt(5), that is U(-1/sqrt(in), 1/sqrt(in)), and b from the same U(-1/sqrt(in), 1/sqrt(in)).
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** [outFeatures, inFeatures] */
  readonly weight: Tensor;
  /** [outFeatures], or null when built with `bias: false`. */
  readonly bias: Tensor | null;

  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions = {}) {
    super();
    checkSize("Linear", "inFeatures", inFeatures);
    checkSize("Linear", "outFeatures", outFeatures);
    const { bias = true, generator } = opts;
    if (typeof bias !== "boolean") throw new Error(`Linear: bias must be a boolean, got ${bias}`);
    const dtype = floatDType("Linear", opts.dtype);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const w = kaimingUniform(zeros([outFeatures, inFeatures], { dtype }), { a: Math.sqrt(5), generator });
    this.weight = this.registerParameter("weight", w);
    const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
    const b = bias ? uniform(zeros([outFeatures], { dtype }), -bound, bound, { generator }) : null;
    this.bias = this.registerParameter("bias", b);
  }

  /** x [..., inFeatures] -> [..., outFeatures]. */
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  protected override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}
