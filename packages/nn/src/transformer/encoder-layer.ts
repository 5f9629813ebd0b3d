import { type Generator, relu, type Tensor } from "@nablajs/tensor";
import { dropout as applyDropout } from "../layers/dropout.js";
import { LayerNorm } from "../layers/layer-norm.js";
import { Linear } from "../layers/linear.js";
import { checkSize, floatDType, type RandomLayerOptions } from "../layers/options.js";
import { Module } from "../module.js";
import { fusedLayerNorm } from "./fused/layer-norm.js";
import { gelu } from "./gelu.js";
import { MultiheadAttention } from "./multihead-attention.js";

/** The feed-forward activation: "relu", "gelu" (exact) or any elementwise function. */
export type Activation = "relu" | "gelu" | ((x: Tensor) => Tensor);

/** Options of `TransformerEncoderLayer` (torch.nn.TransformerEncoderLayer's, in camelCase). */
export interface TransformerEncoderLayerOptions extends RandomLayerOptions {
  dModel: number;
  nhead: number;
  /** Width of the feed-forward block (default 2048). */
  dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward block, on the weights (default 0.1). */
  dropout?: number;
  /**
   * Dropout on the attention weights alone (default: `dropout`, as PyTorch). 0 keeps attention on
   * the fused kernel in training while the other dropouts apply (not a PyTorch option).
   */
  attentionDropout?: number;
  activation?: Activation;
  layerNormEps?: number;
  /** Inputs [B, L, E] instead of [L, B, E] (default false). */
  batchFirst?: boolean;
  /** Pre-norm, x + f(norm(x)), instead of post-norm, norm(x + f(x)) (default false). */
  normFirst?: boolean;
  /** Biases in the linear layers and the norms (default true). */
  bias?: boolean;
}

/** Masks of one call, as `MultiheadAttention.forward` takes them. */
export interface EncoderMasks {
  /** [L, L] or [B * nhead, L, L]: int32 (nonzero = may not attend) or float (added). */
  mask?: Tensor | null;
  /** Shape `[B, L]`: int32 (nonzero = padding) or float (added). */
  srcKeyPaddingMask?: Tensor | null;
  /** Query i attends to keys j <= i only (a decoder-only model's causal mask, fused). */
  isCausal?: boolean;
}

/**
 * One Transformer encoder block with PyTorch's submodules and names (self_attn, linear1, linear2,
 * norm1, norm2), so its state dicts load:
 *   post-norm:  x = norm1(x + drop(SA(x)));        x = norm2(x + drop(FF(x)))
 *   pre-norm:   x = x + drop(SA(norm1(x)));        x = x + drop(FF(norm2(x)))
 *   SA(x) = MultiheadAttention(x, x, x),  FF(x) = linear2(drop(act(linear1(x))))
 * src [L, B, dModel] (batch-first [B, L, dModel]) -> the same shape.
 * See https://arxiv.org/abs/1706.03762 and, for pre-norm, https://arxiv.org/abs/2002.04745
 */
export class TransformerEncoderLayer extends Module {
  readonly self_attn: MultiheadAttention;
  readonly linear1: Linear;
  readonly linear2: Linear;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly normFirst: boolean;
  readonly dropout: number;
  readonly activation: (x: Tensor) => Tensor;
  private readonly generator: Generator | undefined;

  constructor(opts: TransformerEncoderLayerOptions) {
    super();
    const { dModel, nhead, dimFeedforward = 2048, dropout = 0.1, activation = "relu" } = opts;
    const { layerNormEps: eps = 1e-5, batchFirst = false, normFirst = false, bias = true, generator } = opts;
    checkSize("TransformerEncoderLayer", "dimFeedforward", dimFeedforward, true);
    if (typeof dropout !== "number" || !(dropout >= 0 && dropout < 1))
      throw new Error(`TransformerEncoderLayer: dropout must be in [0, 1), got ${dropout}`);
    const dtype = floatDType("TransformerEncoderLayer", opts.dtype);
    this.activation = activationFn(activation);
    this.normFirst = normFirst;
    this.dropout = dropout;
    this.generator = generator;
    const attnDropout = opts.attentionDropout ?? dropout;
    const attn = {
      embedDim: dModel,
      numHeads: nhead,
      dropout: attnDropout,
      bias,
      batchFirst,
      dtype,
      generator,
    };
    this.self_attn = this.registerModule("self_attn", new MultiheadAttention(attn));
    this.linear1 = this.registerModule(
      "linear1",
      new Linear(dModel, dimFeedforward, { bias, dtype, generator }),
    );
    this.linear2 = this.registerModule(
      "linear2",
      new Linear(dimFeedforward, dModel, { bias, dtype, generator }),
    );
    this.norm1 = this.registerModule("norm1", new LayerNorm(dModel, { eps, bias, dtype }));
    this.norm2 = this.registerModule("norm2", new LayerNorm(dModel, { eps, bias, dtype }));
  }

  /** src [L, B, dModel] (or batch-first) -> the same shape. */
  forward(src: Tensor, masks: EncoderMasks = {}): Tensor {
    const drop = (x: Tensor) => applyDropout(x, this.dropout, this.training, this.generator);
    const sa = (x: Tensor) =>
      drop(
        this.self_attn.forward(x, x, x, {
          attnMask: masks.mask,
          keyPaddingMask: masks.srcKeyPaddingMask,
          isCausal: masks.isCausal,
          needWeights: false,
        }).output,
      );
    const ff = (x: Tensor) => drop(this.linear2.forward(drop(this.activation(this.linear1.forward(x)))));
    const [norm1, norm2] = [(x: Tensor) => normalize(this.norm1, x), (x: Tensor) => normalize(this.norm2, x)];
    let x = src;
    if (this.normFirst) {
      x = x.add(sa(norm1(x)));
      return x.add(ff(norm2(x)));
    }
    x = norm1(x.add(sa(x)));
    return norm2(x.add(ff(x)));
  }

  protected override extraRepr(): string {
    return `normFirst=${this.normFirst}, dropout=${this.dropout}`;
  }
}

/** A LayerNorm over the last axis as one fused op (the same numbers as its forward). */
export function normalize(norm: Module, x: Tensor): Tensor {
  if (norm instanceof LayerNorm && norm.normalizedShape.length === 1)
    return fusedLayerNorm(x, norm.weight, norm.bias, norm.eps);
  return norm.forward(x);
}

function activationFn(a: Activation): (x: Tensor) => Tensor {
  if (a === "relu") return relu;
  if (a === "gelu") return (x) => gelu(x);
  if (typeof a === "function") return a;
  throw new Error(
    `TransformerEncoderLayer: activation must be "relu", "gelu" or a function, got ${String(a)}`,
  );
}
