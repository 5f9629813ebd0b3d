// The functional transforms of the calculus. The chain rule itself (backward, gradients,
// customGrad, hooks, anomaly detection, grad modes) lives in @nablajs/tensor; it is re-exported
// here so that one import gives a user the whole of autograd.
export {
  type CustomBackward,
  type CustomContext,
  type CustomForwardResult,
  type CustomGradOptions,
  type CustomJvp,
  type CustomJvpContext,
  customGrad,
  detectAnomaly,
  enableGrad,
  gradients,
  isGradEnabled,
  MissingJvpError,
  noGrad,
  pushforward,
  retainGrad,
  runBackward,
  sumToShape,
  type VjpContext,
} from "@nablajs/tensor";
export { jacfwd, jvp } from "./forward.js";
export { type ArgnumsOptions, flatConcat, grad, valueAndGrad, vjp } from "./functional.js";
export { type Fn, type GradcheckOptions, gradcheck, gradgradcheck } from "./gradcheck.js";
export {
  derivativeFormulas,
  type ExportOptions,
  exportGraph,
  type Graph,
  type GraphEdge,
  type GraphNode,
  nodeLines,
  summarizeTensor,
  toDot,
  toMermaid,
} from "./graph-export.js";
export { hessian, hvp, jacobian, jacrev } from "./jacobian.js";
