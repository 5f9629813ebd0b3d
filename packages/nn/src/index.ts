export { DataLoader, type DataLoaderOptions, shuffle } from "./dataset/data-loader.js";
export { TensorDataset } from "./dataset/tensor-dataset.js";
export * as init from "./init.js";
export {
  calculateGain,
  computeFans,
  constant,
  type GainOptions,
  type InitOptions,
  type KaimingOptions,
  kaimingNormal,
  kaimingUniform,
  type Nonlinearity,
  normal,
  orthogonal,
  uniform,
  xavierNormal,
  xavierUniform,
} from "./init.js";
export { Dropout, dropout } from "./layers/dropout.js";
export { Embedding, type EmbeddingOptions, embedding } from "./layers/embedding.js";
export { LayerNorm, type LayerNormOptions, layerNorm } from "./layers/layer-norm.js";
export { Linear, type LinearOptions, linear } from "./layers/linear.js";
export type { LayerOptions, RandomLayerOptions } from "./layers/options.js";
export { Sequential } from "./layers/sequential.js";
export { type LoadOptions, type LoadResult, Module, type StateDict } from "./module.js";
export type { SafetensorsDType } from "./safetensors/dtypes.js";
export { MAX_HEADER_BYTES } from "./safetensors/header.js";
export { loadSafetensors, type Safetensors } from "./safetensors/load.js";
export { saveSafetensors } from "./safetensors/save.js";
export * from "./transformer/index.js";
