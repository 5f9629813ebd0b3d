// Attention and the Transformer: the layers, their functional forms and the fused attention op.

export { TransformerEncoder, type TransformerEncoderOptions } from "./encoder.js";
export {
  type Activation,
  type EncoderMasks,
  TransformerEncoderLayer,
  type TransformerEncoderLayerOptions,
} from "./encoder-layer.js";
export { erf } from "./erf.js";
export { fusedAttention } from "./fused/attention-op.js";
export { GELU, type GeluApproximate, gelu } from "./gelu.js";
export { causalMask } from "./mask.js";
export {
  MultiheadAttention,
  type MultiheadAttentionCall,
  type MultiheadAttentionOptions,
} from "./multihead-attention.js";
export { attentionReference } from "./reference.js";
export { type AttentionOptions, scaledDotProductAttention } from "./sdpa.js";
