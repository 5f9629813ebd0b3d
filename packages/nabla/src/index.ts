// nabla in one import: every scoped package re-exported. The chain rule is in @nablajs/tensor;
// @nablajs/autograd adds the functional transforms (and re-exports the core's, named once here).
export {
  type ArgnumsOptions,
  flatConcat,
  type GradcheckOptions,
  grad,
  gradcheck,
  gradgradcheck,
  hessian,
  hvp,
  jacfwd,
  jacobian,
  jacrev,
  jvp,
  valueAndGrad,
  vjp,
} from "@nablajs/autograd";
export * from "@nablajs/losses";
export * from "@nablajs/nn";
export * from "@nablajs/optim";
export * from "@nablajs/rnn";
export * from "@nablajs/tensor";
