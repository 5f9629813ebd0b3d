import {
  checkIndices,
  eq,
  indexAdd,
  indexSelect,
  noGrad,
  primitive,
  record,
  shapeStr,
  Tensor,
  unsqueeze,
  where,
  zeros,
} from "@nablajs/tensor";
import { normal } from "../init.js";
import { Module } from "../module.js";
import { checkSize, floatDType, type RandomLayerOptions } from "./options.js";

/** Options of `Embedding`. */
export interface EmbeddingOptions extends RandomLayerOptions {
  /** A row that is initialised to zeros and never receives a gradient (negative counts from the end). */
  paddingIdx?: number;
}

// d embedding(W, i) = the rows of g added back at their indices, except those that read paddingIdx;
// the tangent is the rows of dW at the indices, zero where they read paddingIdx (the transpose).
const paddedRule = primitive<number>(
  "embedding",
  (g, [w, idx], _, pad) => {
    const kept = where(unsqueeze(eq(idx!, pad), -1), 0, g);
    return [indexAdd(zeros(w!.shape, { dtype: g.dtype }), 0, idx!, kept), null];
  },
  ([dw], [, idx], _, pad) => where(unsqueeze(eq(idx!, pad), -1), 0, indexSelect(dw!, 0, idx!)),
);

/** A padding index normalised into [0, num), as PyTorch (-1 is the last row). */
function normPadding(op: string, num: number, paddingIdx: number | null | undefined): number | null {
  if (paddingIdx === undefined || paddingIdx === null) return null;
  if (!Number.isInteger(paddingIdx) || paddingIdx < -num || paddingIdx >= num)
    throw new Error(`${op}: paddingIdx must be an integer in [${-num}, ${num}), got ${paddingIdx}`);
  return paddingIdx < 0 ? paddingIdx + num : paddingIdx;
}

/**
 * Rows of `weight` [num, dim] picked by int32 `indices` of any shape S: the result is [...S, dim].
 * Repeated indices accumulate their gradients; the `paddingIdx` row receives none.
 * The functional form of `Embedding` (torch.nn.functional.embedding).
 */
export function embedding(indices: Tensor, weight: Tensor, paddingIdx: number | null = null): Tensor {
  if (!(weight instanceof Tensor) || weight.ndim !== 2)
    throw new Error(
      `embedding: weight must be a [num, dim] tensor, got ${weight instanceof Tensor ? shapeStr(weight.shape) : weight}`,
    );
  const num = weight.shape[0]!;
  checkIndices("embedding", indices, num);
  const pad = normPadding("embedding", num, paddingIdx);
  if (pad === null) return indexSelect(weight, 0, indices);
  const out = noGrad(() => indexSelect(weight, 0, indices));
  return record(paddedRule, [weight, indices], out, pad);
}

/**
 * A lookup table of `num` vectors of size `dim`: int32 indices [...S] -> [...S, dim]. Initialised
 * from N(0, 1) as PyTorch, with the `paddingIdx` row (if any) set to zeros.
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  /** The padding row in [0, num), or null. */
  readonly paddingIdx: number | null;
  /** [numEmbeddings, embeddingDim] */
  readonly weight: Tensor;

  constructor(numEmbeddings: number, embeddingDim: number, opts: EmbeddingOptions = {}) {
    super();
    checkSize("Embedding", "numEmbeddings", numEmbeddings);
    checkSize("Embedding", "embeddingDim", embeddingDim);
    const dtype = floatDType("Embedding", opts.dtype);
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.paddingIdx = normPadding("Embedding", numEmbeddings, opts.paddingIdx);
    const w = normal(zeros([numEmbeddings, embeddingDim], { dtype }), 0, 1, { generator: opts.generator });
    if (this.paddingIdx !== null)
      w.data.fill(0, this.paddingIdx * embeddingDim, (this.paddingIdx + 1) * embeddingDim);
    this.weight = this.registerParameter("weight", w);
  }

  /** int32 indices [...S] -> [...S, embeddingDim]. */
  forward(indices: Tensor): Tensor {
    return embedding(indices, this.weight, this.paddingIdx);
  }

  protected override extraRepr(): string {
    const pad = this.paddingIdx === null ? "" : `, paddingIdx=${this.paddingIdx}`;
    return `${this.numEmbeddings}, ${this.embeddingDim}${pad}`;
  }
}
