export { Adagrad, type AdagradOptions, type AdagradState, adagradUpdate } from "./adagrad.js";
export { Adam, type AdamOptions, type AdamState, AdamW, adamUpdate } from "./adam.js";
export { clipGradNorm, clipGradsWithNorm, clipGradValue, getTotalNorm } from "./clip.js";
export {
  type CGStop,
  type ConjugateGradientOptions,
  type ConjugateGradientResult,
  conjugateGradient,
} from "./conjugate-gradient.js";
export { type Curvature, curvature } from "./curvature.js";
export type { Round } from "./flat.js";
export { HessianFree, type HessianFreeInfo, type HessianFreeOptions } from "./hessian-free.js";
export { LBFGS, type LBFGSOptions } from "./lbfgs.js";
export { type LBFGSHistory, lbfgsDirection, updateHistory } from "./lbfgs-direction.js";
export {
  cubicInterpolate,
  type DirectionalObjective,
  type LineSearchResult,
  type StrongWolfeOptions,
  strongWolfe,
} from "./line-search.js";
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
export { RMSprop, type RMSpropOptions, type RMSpropState, rmspropUpdate } from "./rmsprop.js";
export { CosineAnnealingLR } from "./schedulers/cosine-annealing-lr.js";
export {
  CosineAnnealingWarmRestarts,
  type CosineAnnealingWarmRestartsOptions,
  type WarmRestartsState,
} from "./schedulers/cosine-annealing-warm-restarts.js";
export { ExponentialLR } from "./schedulers/exponential-lr.js";
export { LambdaLR, type LrLambda } from "./schedulers/lambda-lr.js";
export { LinearLR, type LinearLROptions } from "./schedulers/linear-lr.js";
export { LRScheduler, type SchedulerState } from "./schedulers/lr-scheduler.js";
export { MultiStepLR } from "./schedulers/multi-step-lr.js";
export { OneCycleLR, type OneCycleLROptions } from "./schedulers/one-cycle-lr.js";
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from "./schedulers/reduce-lr-on-plateau.js";
export { SequentialLR } from "./schedulers/sequential-lr.js";
export { StepLR } from "./schedulers/step-lr.js";
export { SGD, type SGDOptions, type SGDState, sgdUpdate } from "./sgd.js";
