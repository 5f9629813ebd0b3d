import { allocate, type Generator, mul, Tensor } from "@nablajs/tensor";

/**
 * Inverted dropout between layers: each element is zeroed with probability p and the rest
 * scaled by 1/(1-p), so the expected value is unchanged; the mask comes from `generator`.
 */
export function dropoutBetweenLayers(x: Tensor, p: number, generator: Generator): Tensor {
  if (p === 0) return x;
  const keep = 1 - p;
  const scale = keep === 0 ? 0 : 1 / keep;
  const mask = allocate(x.dtype, x.size);
  for (let i = 0; i < mask.length; i++) mask[i] = generator.random() < p ? 0 : scale;
  return mul(x, new Tensor(mask, x.shape));
}
