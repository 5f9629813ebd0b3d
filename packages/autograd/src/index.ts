import "./engine.js";
import "./retain-grad.js";

export { enableGrad, isGradEnabled, noGrad } from "@nablajs/tensor";
export { detectAnomaly } from "./anomaly.js";
export { type CustomBackward, customGrad } from "./custom-grad.js";
export { backward, type GradientsOptions, runBackward, sumToShape } from "./engine.js";
export {
  type ArgnumsOptions,
  flatConcat,
  grad,
  gradients,
  hessian,
  hvp,
  jacobian,
  jvp,
  valueAndGrad,
  vjp,
} from "./functional.js";
export { type GradcheckOptions, gradcheck, gradgradcheck } from "./gradcheck.js";
export { retainGrad } from "./retain-grad.js";
