import "./engine.js";
import "./retain-grad.js";

export { enableGrad, isGradEnabled, noGrad } from "@nablajs/tensor";
export { detectAnomaly } from "./anomaly.js";
export { type CustomBackward, customGrad } from "./custom-grad.js";
export { backward, type GradientsOptions, runBackward, sumToShape } from "./engine.js";
export { type ArgnumsOptions, flatConcat, grad, gradients, valueAndGrad, vjp } from "./functional.js";
export { type GradcheckOptions, gradcheck, gradgradcheck } from "./gradcheck.js";
export { hessian, hvp, jacobian, jvp } from "./jacobian.js";
export { retainGrad } from "./retain-grad.js";
