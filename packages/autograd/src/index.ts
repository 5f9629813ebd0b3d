// The functional transforms of the calculus. The chain rule itself (backward, gradients,
// customGrad, hooks, anomaly detection, grad modes) lives in @nablajs/tensor; it is re-exported
// here so that one import gives a user the whole of autograd.
export {
  type CustomBackward,
  type CustomContext,
  type CustomForwardResult,
  type CustomGradOptions,
  customGrad,
  detectAnomaly,
  enableGrad,
  gradients,
  isGradEnabled,
  noGrad,
  retainGrad,
  runBackward,
  sumToShape,
  type VjpContext,
} from "@nablajs/tensor";
export { type ArgnumsOptions, flatConcat, grad, valueAndGrad, vjp } from "./functional.js";
export { type GradcheckOptions, gradcheck, gradgradcheck } from "./gradcheck.js";
export { hessian, hvp, jacobian, jvp } from "./jacobian.js";
