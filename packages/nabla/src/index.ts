// nabla in one import: every scoped package re-exported. "@nablajs/autograd" is imported for its
// side effect too: it installs the engine behind Tensor.prototype.backward.
import "@nablajs/autograd";

export * from "@nablajs/autograd";
export * from "@nablajs/losses";
export * from "@nablajs/nn";
export * from "@nablajs/optim";
export * from "@nablajs/rnn";
export * from "@nablajs/tensor";
// Re-exported by both @nablajs/tensor and @nablajs/autograd (the same functions): name them once.
export { enableGrad, isGradEnabled, noGrad } from "@nablajs/tensor";
