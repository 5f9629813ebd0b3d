export { type BceWithLogitsOptions, bceWithLogits } from "./bce-with-logits.js";
export type { ClassLossOptions } from "./class-targets.js";
export { type CrossEntropyOptions, crossEntropy } from "./cross-entropy.js";
export { type HuberOptions, huber } from "./huber.js";
export { l1 } from "./l1.js";
export { mse } from "./mse.js";
export { nll } from "./nll.js";
export type { Reduction } from "./reduction.js";
