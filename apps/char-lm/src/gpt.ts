import { Embedding, gelu, init, LayerNorm, linear, Module, TransformerEncoder } from "@nablajs/nn";
import { arange, concat, type DType, type Generator, noGrad, type Tensor, zeros } from "@nablajs/tensor";
import type { LmState, ModelConfig } from "./model.js";

/** The output layer, logits = x Wᵀ + b, whose weight may be another layer's (weight tying). */
class Projection extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  constructor(weight: Tensor, bias: Tensor) {
    super();
    this.weight = this.registerParameter("weight", weight);
    this.bias = this.registerParameter("bias", bias);
  }
  /** x [..., d] -> [..., V]. */
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}

/**
 * A decoder-only character Transformer (a small GPT): token and learned position embeddings,
 * `numLayers` pre-norm blocks of causal self-attention and a GELU feed-forward (4 x wider; GELU's
 * tanh form, as GPT-2; dropout on the residual branches, not on the attention weights), a
 * final LayerNorm and a linear head, optionally tied to the token embedding:
 *   x_0 = embed(ids) + pos(0 .. T-1);  x_{l+1} = block_l(x_l) (causal);  logits = head(norm(x_L))
 * Maps token ids [T, B] to next-token logits [T, B, V]; `hiddenSize` is the model width and
 * `maxLen` the longest context. The blocks are torch.nn.TransformerEncoder's (norm_first,
 * batch_first, activation gelu with approximate="tanh"), so `blocks.*` loads into PyTorch.
 * Initialised as GPT-2: N(0, 0.02) weights (the residual projections / sqrt(2 numLayers)), zero
 * biases. See https://arxiv.org/abs/1706.03762
 * and https://cdn.openai.com/better-language-models/language_models_are_unsupervised_multitask_learners.pdf
 */
export class CharGPT extends Module {
  readonly config: ModelConfig;
  readonly cell = "transformer" as const;
  readonly maxLen: number;
  readonly embed: Embedding;
  readonly pos: Embedding;
  readonly blocks: TransformerEncoder;
  readonly head: Projection;

  constructor(config: ModelConfig, opts: { generator?: Generator; dtype?: DType } = {}) {
    super();
    const {
      vocabSize: V,
      hiddenSize: d,
      numLayers,
      dropout,
      heads = 4,
      maxLen = 64,
      tieWeights = false,
    } = config;
    if (d % heads !== 0)
      throw new Error(
        `CharGPT: the width (hidden size ${d}) must be divisible by the number of heads (${heads})`,
      );
    const { generator, dtype } = opts;
    this.config = config;
    this.maxLen = maxLen;
    this.embed = this.registerModule("embed", new Embedding(V, d, { generator, dtype }));
    this.pos = this.registerModule("pos", new Embedding(maxLen, d, { generator, dtype }));
    const layer = {
      dModel: d,
      nhead: heads,
      dimFeedforward: 4 * d,
      dropout,
      activation: (x: Tensor) => gelu(x, "tanh"),
    };
    const norm = new LayerNorm(d, { dtype });
    this.blocks = this.registerModule(
      "blocks",
      new TransformerEncoder({ ...layer, normFirst: true, batchFirst: true, generator, dtype }, numLayers, {
        norm,
      }),
    );
    const w = tieWeights ? this.embed.weight : zeros([V, d], { dtype });
    this.head = this.registerModule("head", new Projection(w, zeros([V], { dtype })));
    this.initialise(generator);
  }

  private initialise(generator: Generator | undefined): void {
    const std = 0.02;
    const residual = std / Math.sqrt(2 * this.config.numLayers);
    noGrad(() => {
      for (const [name, p] of this.namedParameters()) {
        if (name.endsWith("bias")) init.constant(p, 0);
        else if (/norm\d?\.weight$/.test(name)) init.constant(p, 1);
        else if (name.endsWith("out_proj.weight") || name.endsWith("linear2.weight"))
          init.normal(p, 0, residual, { generator });
        else init.normal(p, 0, std, { generator });
      }
    });
  }

  /**
   * Logits [T, B, V] for ids [T, B]. `state.h` carries the context ids [c, B] that came before
   * (the sampler's history): the model reads the last maxLen ids of context and input together.
   * Returns, as state, the last maxLen - 1 ids, what the next call needs.
   */
  forward(ids: Tensor, state?: LmState): { logits: Tensor; state: LmState } {
    const T = ids.shape[0]!;
    if (T > this.maxLen) throw new Error(`CharGPT: ${T} characters exceed the context of ${this.maxLen}`);
    let all = state === undefined ? ids : concat([state.h, ids], 0);
    if (all.shape[0]! > this.maxLen) all = all.narrow(0, all.shape[0]! - this.maxLen, this.maxLen);
    const n = all.shape[0]!;
    const x = this.embed
      .forward(all.transpose([1, 0]))
      .add(this.pos.forward(arange(0, n, 1, { dtype: "int32" })));
    const h = this.blocks.forward(x, { isCausal: true }); // [B, n, d]
    const logits = this.head.forward(h.narrow(1, n - T, T)).transpose([1, 0, 2]); // [T, B, V]
    const keep = Math.min(n, this.maxLen - 1);
    return { logits, state: { h: all.narrow(0, n - keep, keep) } };
  }
}
