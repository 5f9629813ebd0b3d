import { type Generator, shapeStr, Tensor, zeros } from "@nablajs/tensor";
import { constant as fill, xavierUniform } from "../init.js";
import { dropout as applyDropout } from "../layers/dropout.js";
import { Linear, linear } from "../layers/linear.js";
import { checkSize, floatDType, type RandomLayerOptions } from "../layers/options.js";
import { Module } from "../module.js";
import { fusedAttention } from "./fused/attention-op.js";
import { fusedSelfAttention } from "./fused/self-attention.js";
import { additiveMask } from "./mask.js";
import { attentionReference } from "./reference.js";

/** Options of `MultiheadAttention` (torch.nn.MultiheadAttention's, in camelCase). */
export interface MultiheadAttentionOptions extends RandomLayerOptions {
  embedDim: number;
  /** Heads; each attends over embedDim / numHeads features. */
  numHeads: number;
  /** Dropout on the attention weights in training mode (default 0). */
  dropout?: number;
  /** Learn in_proj_bias and out_proj.bias (default true). */
  bias?: boolean;
  /** Inputs and output are [batch, seq, feature] instead of [seq, batch, feature] (default false). */
  batchFirst?: boolean;
}

/** Options of `MultiheadAttention.forward`. */
export interface MultiheadAttentionCall {
  /** Shape `[B, S]`: int32 (nonzero = this key is padding, ignore it) or float (added to the scores). */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true, as PyTorch; false lets the fused kernel run). */
  needWeights?: boolean;
  /** [L, S] or [B * numHeads, L, S]: int32 (nonzero = may not attend) or float (added). */
  attnMask?: Tensor | null;
  /** Average the weights over heads, [B, L, S] (default true), or keep them, [B, numHeads, L, S]. */
  averageAttnWeights?: boolean;
  /** Query i attends to keys j <= i only, with or without attnMask. */
  isCausal?: boolean;
}

/**
 * Multi-head attention with PyTorch's parameters, names and layout, so its state dicts load:
 *   [q | k | v] = [query Wq^T + bq | key Wk^T + bk | value Wv^T + bv]   (in_proj_weight [3E, E]
 *                                                                         = [Wq; Wk; Wv], in_proj_bias [3E])
 *   head_h = softmax(q_h k_hᵀ / sqrt(E/H) + mask) v_h                   (q_h: features h E/H ... of q)
 *   out = concat(head_1 .. head_H) W_o^T + b_o                           (out_proj.weight [E, E], out_proj.bias [E])
 * query [L, B, E], key and value [S, B, E] (batch-first: [B, L, E], [B, S, E]; unbatched: [L, E]);
 * output like query; weights [B, L, S] averaged over heads (or [B, H, L, S]).
 * Initialised as PyTorch: in_proj_weight xavier-uniform, biases 0, out_proj.weight as Linear's.
 * With `needWeights: false` and no dropout in force, the heads run as one fused attention op.
 * See https://arxiv.org/abs/1706.03762
 */
export class MultiheadAttention extends Module {
  readonly embedDim: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  /** Shape `[3 embedDim, embedDim]`: `W_q`, `W_k`, `W_v` stacked. */
  readonly in_proj_weight: Tensor;
  /** [3 embedDim], or null without bias. */
  readonly in_proj_bias: Tensor | null;
  readonly out_proj: Linear;
  private readonly generator: Generator | undefined;

  constructor(opts: MultiheadAttentionOptions) {
    super();
    const { embedDim, numHeads, dropout: p = 0, bias = true, batchFirst = false, generator } = opts;
    checkSize("MultiheadAttention", "embedDim", embedDim, true);
    checkSize("MultiheadAttention", "numHeads", numHeads, true);
    if (embedDim % numHeads !== 0)
      throw new Error(`MultiheadAttention: embedDim ${embedDim} must be divisible by numHeads ${numHeads}`);
    if (typeof p !== "number" || !(p >= 0 && p < 1))
      throw new Error(`MultiheadAttention: dropout must be in [0, 1), got ${p}`);
    const dtype = floatDType("MultiheadAttention", opts.dtype);
    this.embedDim = embedDim;
    this.numHeads = numHeads;
    this.headDim = embedDim / numHeads;
    this.dropout = p;
    this.batchFirst = batchFirst;
    this.generator = generator;
    const w = xavierUniform(zeros([3 * embedDim, embedDim], { dtype }), { generator });
    this.in_proj_weight = this.registerParameter("in_proj_weight", w);
    this.in_proj_bias = this.registerParameter(
      "in_proj_bias",
      bias ? zeros([3 * embedDim], { dtype }) : null,
    );
    this.out_proj = this.registerModule(
      "out_proj",
      new Linear(embedDim, embedDim, { bias, dtype, generator }),
    );
    if (this.out_proj.bias !== null) fill(this.out_proj.bias, 0);
  }

  /** Self-attention with `forward(x)`; cross-attention with `forward(query, key, value)`. */
  forward(
    query: Tensor,
    key: Tensor = query,
    value: Tensor = key,
    opts: MultiheadAttentionCall = {},
  ): { output: Tensor; weights: Tensor | null } {
    const { needWeights = true, averageAttnWeights = true, isCausal = false } = opts;
    const unbatched = this.checkInputs(query, key, value);
    const toBLE = (x: Tensor) => (unbatched ? x.unsqueeze(0) : this.batchFirst ? x : x.transpose([1, 0, 2]));
    const q0 = toBLE(query);
    const k0 = key === query ? q0 : toBLE(key);
    const v0 = value === key ? k0 : toBLE(value);
    const [B, L, S] = [q0.shape[0]!, q0.shape[1]!, k0.shape[1]!];
    const mask = this.mask(opts, [B, this.numHeads, L, S], query.dtype, unbatched);
    const scale = 1 / Math.sqrt(this.headDim);
    const drop = this.training && this.dropout > 0;
    const fused = !needWeights && !drop && !mask?.requiresGrad;
    let merged: Tensor; // the heads side by side, [B, L, E]
    let weights: Tensor | null = null;
    if (fused && query === key && key === value) {
      // One projection, and the heads split and merged inside the fused op.
      const qkv = linear(q0, this.in_proj_weight, this.in_proj_bias);
      merged = fusedSelfAttention(qkv, this.numHeads, mask, { causal: isCausal, scale });
    } else {
      const [q, k, v] = this.project(q0, k0, v0, query === key && key === value);
      let heads: Tensor;
      if (fused) heads = fusedAttention(q, k, v, mask, { causal: isCausal, scale });
      else {
        const dropFn = drop ? (w: Tensor) => applyDropout(w, this.dropout, true, this.generator) : undefined;
        const r = attentionReference(q, k, v, mask, isCausal, scale, dropFn);
        heads = r.out;
        if (needWeights) weights = averageAttnWeights ? r.weights.mean(1) : r.weights;
      }
      merged = heads.transpose([0, 2, 1, 3]).reshape([B, L, this.embedDim]);
    }
    const out = this.out_proj.forward(merged);
    const output = unbatched ? out.squeeze(0) : this.batchFirst ? out : out.transpose([1, 0, 2]);
    if (weights !== null && unbatched) weights = weights.squeeze(0);
    return { output, weights };
  }

  /** Checks ranks, features and batch sizes; returns whether the inputs are unbatched ([L, E]). */
  private checkInputs(query: Tensor, key: Tensor, value: Tensor): boolean {
    const op = "MultiheadAttention";
    for (const t of [query, key, value])
      if (!(t instanceof Tensor)) throw new Error(`${op}: inputs must be Tensors`);
    const rank = query.ndim;
    const layout = this.batchFirst ? "[B, L, E]" : "[L, B, E]";
    if ((rank !== 2 && rank !== 3) || key.ndim !== rank || value.ndim !== rank)
      throw new Error(
        `${op}: query, key and value must all be ${layout} or all [L, E], got ${shapeStr(query.shape)}, ${shapeStr(key.shape)}, ${shapeStr(value.shape)}`,
      );
    const E = this.embedDim;
    const seq = rank === 2 ? 0 : this.batchFirst ? 1 : 0;
    const batch = rank === 2 ? -1 : 1 - seq;
    const ok =
      [query, key, value].every((t) => t.shape[rank - 1] === E && t.dtype === this.in_proj_weight.dtype) &&
      key.shape[seq] === value.shape[seq] &&
      (batch < 0 || (key.shape[batch] === query.shape[batch] && value.shape[batch] === query.shape[batch]));
    if (!ok)
      throw new Error(
        `${op}: expected ${this.in_proj_weight.dtype} query ${layout} and key, value of one length S, with E = ${E}; got query ${shapeStr(query.shape)} ${query.dtype}, key ${shapeStr(key.shape)}, value ${shapeStr(value.shape)}`,
      );
    return rank === 2;
  }

  /** q, k, v [B, L, E] -> [B, H, L or S, Dh], one product for self-attention. */
  private project(query: Tensor, key: Tensor, value: Tensor, self: boolean): [Tensor, Tensor, Tensor] {
    const E = this.embedDim;
    const w = this.in_proj_weight;
    const b = this.in_proj_bias;
    const heads = (x: Tensor) =>
      x.reshape([x.shape[0]!, x.shape[1]!, this.numHeads, this.headDim]).transpose([0, 2, 1, 3]);
    if (self) {
      const qkv = linear(query, w, b);
      return [0, 1, 2].map((i) => heads(qkv.narrow(2, i * E, E))) as [Tensor, Tensor, Tensor];
    }
    const part = (x: Tensor, i: number) =>
      linear(x, w.narrow(0, i * E, E), b === null ? null : b.narrow(0, i * E, E));
    return [heads(part(query, 0)), heads(part(key, 1)), heads(part(value, 2))];
  }

  /** attnMask and keyPaddingMask as one additive mask broadcastable to [B, H, L, S], or null. */
  private mask(
    opts: MultiheadAttentionCall,
    [B, H, L, S]: number[],
    dtype: Tensor["dtype"],
    unbatched: boolean,
  ): Tensor | null {
    const op = "MultiheadAttention";
    let mask: Tensor | null = null;
    if (opts.attnMask !== undefined && opts.attnMask !== null) {
      const m = additiveMask(op, "attnMask", opts.attnMask, dtype, "nonzero");
      const is2d = m.shape.join() === [L, S].join();
      if (!is2d && m.shape.join() !== [B! * H!, L, S].join())
        throw new Error(
          `${op}: attnMask must be [L, S] = [${L}, ${S}] or [B * numHeads, L, S] = [${B! * H!}, ${L}, ${S}], got ${shapeStr(m.shape)}`,
        );
      mask = is2d ? m : m.reshape([B!, H!, L!, S!]);
    }
    if (opts.keyPaddingMask !== undefined && opts.keyPaddingMask !== null) {
      const m = additiveMask(op, "keyPaddingMask", opts.keyPaddingMask, dtype, "nonzero");
      const want = unbatched ? [S!] : [B!, S!];
      if (m.shape.join() !== want.join())
        throw new Error(
          `${op}: keyPaddingMask must be ${shapeStr(want)} = [batch, S], got ${shapeStr(m.shape)}`,
        );
      const padding = m.reshape([B!, 1, 1, S!]);
      mask = mask === null ? padding : mask.add(padding);
    }
    return mask;
  }

  protected override extraRepr(): string {
    return `embedDim=${this.embedDim}, numHeads=${this.numHeads}, dropout=${this.dropout}, batchFirst=${this.batchFirst}`;
  }
}
