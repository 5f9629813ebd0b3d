import type { Tensor } from "@nablajs/tensor";
import { checkSize } from "../layers/options.js";
import { Sequential } from "../layers/sequential.js";
import { Module } from "../module.js";
import {
  type EncoderMasks,
  normalize,
  TransformerEncoderLayer,
  type TransformerEncoderLayerOptions,
} from "./encoder-layer.js";

/** Options of `TransformerEncoder`. */
export interface TransformerEncoderOptions {
  /** A module applied after the last layer (PyTorch's `norm`, typically a LayerNorm; default none). */
  norm?: Module | null;
}

/**
 * A stack of `numLayers` TransformerEncoderLayers built from one set of options (each with its own
 * initial weights), then an optional final norm (torch.nn.TransformerEncoder): parameters named
 * `layers.0.self_attn.in_proj_weight`, ..., `norm.weight`, as PyTorch's.
 *   x_0 = src,  x_{i+1} = layer_i(x_i, masks),  out = norm(x_N)
 * src [L, B, dModel] (batch-first [B, L, dModel]) -> the same shape.
 */
export class TransformerEncoder extends Module {
  readonly layers: Sequential;
  readonly norm: Module | null;
  readonly numLayers: number;

  constructor(
    layer: TransformerEncoderLayerOptions,
    numLayers: number,
    opts: TransformerEncoderOptions = {},
  ) {
    super();
    checkSize("TransformerEncoder", "numLayers", numLayers, true);
    this.numLayers = numLayers;
    const layers = Array.from({ length: numLayers }, () => new TransformerEncoderLayer(layer));
    this.layers = this.registerModule("layers", new Sequential(...layers));
    const norm = opts.norm ?? null;
    if (norm !== null && !(norm instanceof Module))
      throw new Error("TransformerEncoder: norm must be a Module (a LayerNorm) or null");
    this.norm = norm === null ? null : this.registerModule("norm", norm);
  }

  /** The layer at `index`. */
  layer(index: number): TransformerEncoderLayer {
    return this.layers.at(index) as TransformerEncoderLayer;
  }

  /** src [L, B, dModel] (or batch-first) -> the same shape, through every layer and the norm. */
  forward(src: Tensor, masks: EncoderMasks = {}): Tensor {
    let x = src;
    for (let i = 0; i < this.numLayers; i++) x = this.layer(i).forward(x, masks);
    return this.norm === null ? x : normalize(this.norm, x);
  }
}
