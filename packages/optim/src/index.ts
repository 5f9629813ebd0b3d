export { Adagrad, type AdagradOptions, adagradUpdate } from "./adagrad.js";
export { Adam, type AdamOptions, AdamW, adamUpdate } from "./adam.js";
export { clipGradNorm, clipGradValue } from "./clip.js";
export { Newton, type NewtonOptions } from "./newton.js";
export {
  type FloatArray,
  type LrOptions,
  Optimizer,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamGroupInput,
  type ParamState,
  type Params,
} from "./optimizer.js";
export { RMSprop, type RMSpropOptions, rmspropUpdate } from "./rmsprop.js";
export { SGD, type SGDOptions, sgdUpdate } from "./sgd.js";
