import type { Tensor } from "@nablajs/tensor";
import * as T from "@nablajs/tensor";
import { describe, expect, it } from "vitest";
import * as A from "./index.js";

// Every public entry rejects bad arguments with an error naming the function and the problem.
const x = T.tensor([1, 2], { dtype: "float64" });
const x3 = T.ones([3], { dtype: "float64" });
const s = (t: Tensor) => T.sum(T.square(t));
const id = (t: Tensor) => T.mul(t, 2);
const bad = (v: unknown) => v as never;

describe("bad arguments give clear errors", () => {
  it.each([
    ["grad: f not a function", () => A.grad(bad(3)), /grad: f must be a function, got number/],
    ["grad: non-scalar f", () => A.grad(id)(x), /grad: f must return a scalar tensor, got shape \[2\]/],
    ["grad: f returns a number", () => A.grad(bad(() => 3))(x), /grad: f must return a Tensor, got number/],
    [
      "grad: f returns int32",
      () => A.grad((t: Tensor) => T.argmax(t))(x),
      /int32 tensor, which has no gradient/,
    ],
    [
      "grad: argnums out of range",
      () => A.grad(s, { argnums: 1 })(x),
      /grad: argnums 1 is out of range for 1 argument/,
    ],
    ["grad: negative argnums", () => A.grad(s, { argnums: [-1] })(x), /argnums -1 is out of range/],
    ["grad: fractional argnums", () => A.grad(s, { argnums: 0.5 })(x), /argnums 0.5 is out of range/],
    ["grad: repeated argnums", () => A.grad(s, { argnums: [0, 0] })(x), /repeated argnums \[0,0\]/],
    ["grad: empty argnums", () => A.grad(s, { argnums: [] })(x), /non-empty array/],
    ["grad: no arguments", () => A.grad(s)(bad(undefined)), /argument 0 must be a Tensor/],
    ["grad: array argument", () => A.grad(s)(bad([1, 2])), /argument 0 must be a Tensor, got an array/],
    ["grad: int32 argument", () => A.grad(s)(T.tensor([1], { dtype: "int32" })), /argument 0 is int32/],
    [
      "valueAndGrad: non-scalar f",
      () => A.valueAndGrad(id)(x),
      /^valueAndGrad: f must return a scalar tensor, got shape \[2\]/,
    ],
    [
      "valueAndGrad: argnums out of range",
      () => A.valueAndGrad(s, { argnums: 1 })(x),
      /^valueAndGrad: argnums 1 is out of range/,
    ],
    [
      "valueAndGrad: int32 argument",
      () => A.valueAndGrad(s)(T.tensor([1], { dtype: "int32" })),
      /^valueAndGrad: argument 0 is int32/,
    ],
    ["valueAndGrad: f not a function", () => A.valueAndGrad(bad(null)), /valueAndGrad: f must be a function/],
    ["vjp: f not a function", () => A.vjp(bad("f"), x), /vjp: f must be a function, got string/],
    [
      "vjp: cotangent shape",
      () => A.vjp(id, x)[1](x3),
      /vjp: cotangent float64 \[3\] must match the output float64 \[2\]/,
    ],
    [
      "vjp: cotangent dtype",
      () => A.vjp(id, x)[1](T.ones([2])),
      /cotangent float32 \[2\] must match the output float64 \[2\]/,
    ],
    ["vjp: cotangent not a tensor", () => A.vjp(id, x)[1](bad([1, 2])), /cotangent an array must match/],
    ["vjp: primal not a tensor", () => A.vjp(id, bad(2)), /vjp: argument 0 must be a Tensor, got number/],
    ["jvp: primals not an array", () => A.jvp(id, bad(x), [x]), /jvp: primals and tangents must be arrays/],
    ["jvp: tangent count", () => A.jvp(id, [x], []), /jvp: 1 primals but 0 tangents/],
    [
      "jvp: tangent shape",
      () => A.jvp(id, [x], [x3]),
      /jvp: tangent 0 float64 \[3\] must match primal 0 float64 \[2\]/,
    ],
    ["jvp: tangent dtype", () => A.jvp(id, [x], [T.ones([2])]), /tangent 0 float32 \[2\] must match/],
    [
      "jvp: primal not a tensor",
      () => A.jvp(id, [bad(2)], [x]),
      /jvp: argument 0 must be a Tensor, got number/,
    ],
    [
      "jvp: int32 primal",
      () => A.jvp(id, [T.tensor([1], { dtype: "int32" })], [x]),
      /jvp: argument 0 is int32/,
    ],
    [
      "jvp: f returns a number",
      () =>
        A.jvp(
          bad(() => 1),
          [x],
          [x],
        ),
      /jvp: f must return a Tensor, got number/,
    ],
    ["jacfwd: f not a function", () => A.jacfwd(bad(1)), /jacfwd: f must be a function, got number/],
    [
      "jacfwd: argnums out of range",
      () => A.jacfwd(id, { argnums: 1 })(x),
      /jacfwd: argnums 1 is out of range/,
    ],
    ["jacfwd: f returns int32", () => A.jacfwd((t: Tensor) => T.argmax(t))(x), /jacfwd: f returned an int32/],
    [
      "jacfwd: int32 argument",
      () => A.jacfwd(id)(T.tensor([1], { dtype: "int32" })),
      /jacfwd: argument 0 is int32/,
    ],
    ["jacrev: f not a function", () => A.jacrev(bad(null)), /jacrev: f must be a function/],
    ["jacrev: argnums repeated", () => A.jacrev(id, { argnums: [0, 0] })(x), /jacrev: repeated argnums/],
    [
      "jacobian: argnums out of range",
      () => A.jacobian(id, { argnums: 2 })(x),
      /jacobian: argnums 2 is out of range/,
    ],
    ["jacobian: f returns a number", () => A.jacobian(bad(() => 1))(x), /jacobian: f must return a Tensor/],
    ["hessian: non-scalar f", () => A.hessian(id)(x), /hessian: f must return a scalar tensor/],
    [
      "hessian: argnums out of range",
      () => A.hessian(s, { argnums: 2 })(x),
      /hessian: argnums 2 is out of range/,
    ],
    [
      "hessian: argnums array",
      () => A.hessian(s, { argnums: bad([0]) }),
      /hessian: argnums must be one index/,
    ],
    ["hvp: v shape", () => A.hvp(s, x, x3), /hvp: v float64 \[3\] must match x float64 \[2\]/],
    ["hvp: non-scalar f", () => A.hvp(id, x, x), /hvp: f must return a scalar tensor/],
    ["hvp: x not a tensor", () => A.hvp(s, bad(1), x), /hvp: argument 0 must be a Tensor/],
    ["gradients: cotangent count", () => A.gradients([x], [x], []), /gradients: 1 outputs but 0 cotangents/],
    [
      "gradients: cotangent shape",
      () => A.gradients([x], [x], [x3]),
      /cotangent 0 float64 \[3\] must match output 0/,
    ],
    ["gradients: not arrays", () => A.gradients(bad(x), [x], [x]), /must be arrays of tensors/],
    ["gradients: input not a tensor", () => A.gradients([x], [bad(1)], [x]), /input 0 must be a Tensor/],
    [
      "gradcheck: float32 input",
      () => A.gradcheck(s, [T.ones([2])]),
      /gradcheck: input 0 is float32; finite differences need float64/,
    ],
    [
      "gradcheck: expanded input",
      () => A.gradcheck(s, [T.expand(x.narrow(0, 0, 1), [3])]),
      /expanded \(stride 0\) view/,
    ],
    ["gradcheck: input not a tensor", () => A.gradcheck(s, [bad(3)]), /gradcheck: input 0 must be a Tensor/],
    ["gradcheck: inputs not an array", () => A.gradcheck(s, bad(x)), /gradcheck: inputs must be an array/],
    [
      "gradcheck: f returns a number",
      () =>
        A.gradcheck(
          bad(() => 3),
          [x],
        ),
      /gradcheck: f must return a Tensor/,
    ],
    [
      "gradcheck: negative eps",
      () => A.gradcheck(s, [x], { eps: -1 }),
      /eps must be a finite positive number, got -1/,
    ],
    [
      "gradcheck: NaN atol",
      () => A.gradcheck(s, [x], { atol: Number.NaN }),
      /atol must be a finite non-negative/,
    ],
    [
      "gradgradcheck: float32 input",
      () => A.gradgradcheck(s, [T.ones([2])]),
      /gradgradcheck: input 0 is float32/,
    ],
    [
      "customGrad: forward not a function",
      () => A.customGrad(bad(1), () => []),
      /customGrad: forward must be a function/,
    ],
    [
      "customGrad: backward not a function",
      () => A.customGrad(id, bad(1), "myOp"),
      /myOp: backward must be a function/,
    ],
    [
      "customGrad: no outputs",
      () =>
        A.customGrad(
          () => [],
          () => [],
        )(x),
      /forward must return a Tensor or a non-empty array/,
    ],
    [
      "customGrad: mixed output dtypes",
      () =>
        A.customGrad(
          () => [x, T.ones([1])],
          () => [null],
        )(x),
      /all outputs must share a dtype, got float64, float32/,
    ],
    [
      "customGrad: input not a tensor",
      () => A.customGrad(id, () => [null])(bad(1)),
      /customGrad: input 0 must be a Tensor/,
    ],
    [
      "detectAnomaly: fn not a function",
      () => A.detectAnomaly(bad(1)),
      /detectAnomaly: fn must be a function/,
    ],
    ["retainGrad: no gradient", () => A.retainGrad(x), /retainGrad: the tensor does not require a gradient/],
    ["retainGrad: not a tensor", () => A.retainGrad(bad({})), /retainGrad: expected a Tensor/],
    ["backward: no gradient", () => x.backward(), /backward: the tensor does not require a gradient/],
  ] as [string, () => unknown, RegExp][])("%s", (_, fn, message) => {
    expect(fn).toThrow(message);
  });
});

describe("errors raised during backward", () => {
  const leaf = () => T.tensor([1, 2], { dtype: "float64", requiresGrad: true });

  it("customGrad: backward returning the wrong number of gradients", () => {
    const op = A.customGrad(id, () => [], "double");
    expect(() => T.sum(op(leaf())).backward()).toThrow(
      /double: backward must return an array of 1 gradients \(or nulls\), got 0 gradients/,
    );
  });

  it("customGrad: backward returning a gradient of the wrong shape or dtype", () => {
    const wrongShape = A.customGrad(id, (g) => [T.reshape(T.sum(g), [1, 1, 1])], "op1");
    expect(() => T.sum(wrongShape(leaf())).backward()).toThrow(
      /gradient of 'op1' for its input 0 is float64 \[1,1,1\], which does not sum to the input's float64 \[2\]/,
    );
    const wrongDtype = A.customGrad(id, (g) => [T.astype(g, "float32")], "op2");
    expect(() => T.sum(wrongDtype(leaf())).backward()).toThrow(/'op2' for its input 0 is float32 \[2\]/);
  });
});
