import { setBackend } from "./backend/backend.js";
import { chooseBackend } from "./backend/choose.js";
import { jsBackend } from "./backend/js/index.js";
import { wasmBackendOrReason } from "./backend/wasm/index.js";

// The TypeScript backend runs everywhere; WebAssembly SIMD replaces it where it validates (the
// Node entry, node.ts, then offers the native addon). NABLA_BACKEND=native|wasm|js forces one.
setBackend(jsBackend);
chooseBackend("wasm", wasmBackendOrReason);

export { detectAnomaly } from "./autograd/anomaly.js";
export { type BackwardOptions, backward, gradients, retainGrad } from "./autograd/backward.js";
export {
  type CustomBackward,
  type CustomContext,
  type CustomForwardResult,
  type CustomGradOptions,
  type CustomJvp,
  type CustomJvpContext,
  customGrad,
  MissingJvpError,
} from "./autograd/custom-grad.js";
export { type RunOptions, reachesLeaf, runBackward, sumToShape } from "./autograd/engine.js";
export { copyTangents } from "./autograd/forward.js";
export { enableGrad, gradMode, isGradEnabled, noGrad } from "./autograd/grad-mode.js";
export {
  type GradNode,
  type Jvp,
  type MultiJvp,
  type MultiPrimitive,
  type MultiVjp,
  multiPrimitive,
  type Primitive,
  primitive,
  record,
  recordMulti,
  type Vjp,
  type VjpContext,
} from "./autograd/node.js";
export { pushforward } from "./autograd/pushforward.js";
export type {
  AttentionKernels,
  AttentionMask,
  AttentionProblem,
  Backend,
  BinaryOp,
  RecurrentForward,
  RecurrentKernels,
  RecurrentKind,
  RecurrentOperands,
  RecurrentSequence,
  ReduceOp,
  UnaryOp,
  View,
} from "./backend/backend.js";
export { getBackend, getNumThreads, setBackend, setNumThreads } from "./backend/backend.js";
export { backendStatus } from "./backend/choose.js";
export { jsBackend } from "./backend/js/index.js";
export { createWasmBackend } from "./backend/wasm/index.js";
export { contiguousData, item, toArray, toTypedArray } from "./convert.js";
export {
  arange,
  type CreateOptions,
  eye,
  full,
  linspace,
  type NestedArray,
  ones,
  onesLike,
  type RandomOptions,
  rand,
  randint,
  randn,
  tensor,
  zeros,
  zerosLike,
} from "./create.js";
export { allocate, DTYPES, type DType, isFloat, type TypedArray } from "./dtype.js";
export { expf, sigmoidf, tanhf } from "./fast-math.js";
export { formatTensor } from "./format.js";
export { astype } from "./ops/astype.js";
export { add, div, eq, ge, gt, le, lt, maximum, minimum, mul, ne, pow, sub } from "./ops/binary.js";
export { clamp } from "./ops/clamp.js";
export { concat, split, stack } from "./ops/concat.js";
export { checkIndices, indexAdd, indexSelect, oneHot } from "./ops/gather.js";
export { matmul, mT } from "./ops/matmul.js";
export {
  type Axis,
  argmax,
  argmin,
  logSoftmax,
  logsumexp,
  max,
  mean,
  min,
  softmax,
  sum,
  variance,
  variance as var,
} from "./ops/reduce.js";
export { takeAlongAxis } from "./ops/take-along-axis.js";
export { abs, cos, exp, log, neg, relu, sigmoid, sign, sin, sqrt, square, tanh } from "./ops/unary.js";
export type { TensorLike } from "./ops/util.js";
export {
  contiguous,
  detach,
  expand,
  flatten,
  narrow,
  reshape,
  squeeze,
  transpose,
  unsqueeze,
} from "./ops/view.js";
export { where } from "./ops/where.js";
export { defaultGenerator, Generator, manualSeed } from "./random.js";
export {
  type MultinomialOptions,
  multinomial,
  type RandpermOptions,
  randperm,
  type TopK,
  topk,
} from "./sampling.js";
export { broadcastShapes, type Shape, shapeStr, sizeOf } from "./shape.js";
export { type GradHook, Tensor } from "./tensor.js";
