import type { Tensor } from "@nablajs/tensor";
import * as T from "@nablajs/tensor";
import { assertAllClose } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { grad, hessian, hvp, jacobian, jvp, noGrad, valueAndGrad, vjp } from "./index.js";
import { inputs, numericJacobian } from "./test-helpers.js";

const r = inputs(303);
const fd = { rtol: 1e-6, atol: 1e-8 }; // finite differences agree to about 1e-8
const exact = { rtol: 1e-12, atol: 1e-14 };

// f(x, y, z) = sum(sin(x) * y^2) + sum(exp(z)) / 3: x [2,3], y [3], z []
const f3 = (x: Tensor, y: Tensor, z: Tensor) =>
  T.add(T.sum(T.mul(T.sin(x), T.square(y))), T.div(T.exp(z), 3));
const [x0, y0, z0] = [r.normal([2, 3]), r.normal([3]), r.normal([])];

describe("grad and valueAndGrad", () => {
  it("default argnums 0 against finite differences", () => {
    const g = grad(f3)(x0, y0, z0) as Tensor;
    assertAllClose(
      g,
      numericJacobian((x) => f3(x, y0, z0), x0),
      fd,
    );
  });

  it("a number argnums gives one Tensor, an array gives an array in that order", () => {
    const g1 = grad(f3, { argnums: 1 })(x0, y0, z0);
    expect(g1).toBeInstanceOf(T.Tensor);
    assertAllClose(
      g1 as Tensor,
      numericJacobian((y) => f3(x0, y, z0), y0),
      fd,
    );
    const gs = grad(f3, { argnums: [2, 0] })(x0, y0, z0) as Tensor[];
    expect(gs).toHaveLength(2);
    expect(gs[0]!.shape).toEqual([]);
    assertAllClose(gs[0]!, T.div(T.exp(z0), 3), exact);
    assertAllClose(
      gs[1]!,
      numericJacobian((x) => f3(x, y0, z0), x0),
      fd,
    );
  });

  it("valueAndGrad returns the value (detached) and the gradients", () => {
    const [value, gs] = valueAndGrad(f3, { argnums: [0, 1] })(x0, y0, z0);
    assertAllClose(
      value,
      noGrad(() => f3(x0, y0, z0)),
      exact,
    );
    expect(value.requiresGrad).toBe(false);
    assertAllClose(
      (gs as Tensor[])[1]!,
      numericJacobian((y) => f3(x0, y, z0), y0),
      fd,
    );
  });

  it("works inside noGrad, leaves .grad alone and returns plain tensors", () => {
    const p = T.detach(x0);
    p.requiresGrad = true;
    const g = noGrad(() => grad((x: Tensor) => T.sum(T.mul(T.square(x), p)))(y0.reshape([1, 3])) as Tensor);
    assertAllClose(g, T.sum(T.mul(T.mul(y0, 2), T.detach(p)), 0, true), exact);
    expect(p.grad).toBeNull();
  });

  it("the same tensor passed twice gets each argument's own partial derivative", () => {
    const f = (a: Tensor, b: Tensor) => T.sum(T.mul(a, T.square(b)));
    const [ga, gb] = grad(f, { argnums: [0, 1] })(y0, y0) as Tensor[];
    assertAllClose(ga!, T.square(y0), exact); // not the total derivative 3 y^2
    assertAllClose(gb!, T.mul(T.square(y0), 2), exact);
    // ... also when an outer transform traces that tensor: d/dx sum(x^2) = 2x
    const outer = grad((x: Tensor) => T.sum((grad(f, { argnums: [0, 1] })(x, x) as Tensor[])[0]!));
    assertAllClose(outer(y0) as Tensor, T.mul(y0, 2), exact);
  });

  it("sees through closures: an inner grad over a captured outer variable stays differentiable", () => {
    // inner: d/dy sum(y * x^2) = x^2; outer: d/dx sum(x^2) = 2x
    const outer = grad((x: Tensor) => T.sum(grad((y: Tensor) => T.sum(T.mul(y, T.square(x))))(y0) as Tensor));
    assertAllClose(outer(y0) as Tensor, T.mul(y0, 2), exact);
  });
});

describe("higher-order derivatives by nesting grad", () => {
  // Elementwise f summed, so grad gives f' at every point; derivatives of order 1..3 in closed form.
  const cases: [string, (x: Tensor) => Tensor, ((x: Tensor) => Tensor)[]][] = [
    [
      "tanh",
      T.tanh,
      [
        (x) => T.sub(1, T.square(T.tanh(x))), // 1 - t^2
        (x) => T.mul(T.mul(T.tanh(x), -2), T.sub(1, T.square(T.tanh(x)))), // -2 t (1 - t^2)
        (x) => T.mul(T.mul(T.sub(1, T.square(T.tanh(x))), -2), T.sub(1, T.mul(T.square(T.tanh(x)), 3))), // -2 (1 - t^2)(1 - 3t^2)
      ],
    ],
    [
      "sigmoid",
      T.sigmoid,
      [
        (x) => T.mul(T.sigmoid(x), T.sub(1, T.sigmoid(x))), // s (1 - s)
        (x) => T.mul(T.mul(T.sigmoid(x), T.sub(1, T.sigmoid(x))), T.sub(1, T.mul(T.sigmoid(x), 2))), // s(1-s)(1-2s)
        (x) => {
          const s = T.sigmoid(x); // s(1-s)(1 - 6s + 6s^2)
          return T.mul(T.mul(s, T.sub(1, s)), T.add(T.sub(1, T.mul(s, 6)), T.mul(T.square(s), 6)));
        },
      ],
    ],
    ["exp", T.exp, [T.exp, T.exp, T.exp]],
    ["sin", T.sin, [T.cos, (x) => T.neg(T.sin(x)), (x) => T.neg(T.cos(x))]],
  ];
  const x = r.normal([5]).mul(1.5);
  const d = (f: (t: Tensor) => Tensor) => (t: Tensor) => grad((u: Tensor) => T.sum(f(u)))(t) as Tensor;
  it.each(cases)("%s: first, second and third derivatives", (_, f, [d1, d2, d3]) => {
    assertAllClose(d(f)(x), d1!(x), exact);
    assertAllClose(d(d(f))(x), d2!(x), exact);
    assertAllClose(d(d(d(f)))(x), d3!(x), { rtol: 1e-11, atol: 1e-13 });
    // and the third derivative against finite differences of the second
    const fdiff = numericJacobian(d(d(f)), x);
    assertAllClose(d(d(d(f)))(x), T.sum(T.mul(fdiff, T.eye(5, 5, { dtype: "float64" })), 1), fd);
  });
});

describe("vjp and jvp", () => {
  const f = (x: Tensor) =>
    T.reshape(T.tanh(T.matmul(T.reshape(x, [2, 2]), T.reshape(T.exp(x), [2, 2]))), [4]);
  const x = r.normal([4]);
  const J = numericJacobian(f, x); // [4, 4]

  it("vjp returns f(x) and c^T J, and its function can be called many times", () => {
    const [out, back] = vjp(f, x);
    assertAllClose(
      out,
      noGrad(() => f(x)),
      exact,
    );
    const [c1, c2] = [r.normal([4]), r.normal([4])];
    const g1 = back(c1)[0]!;
    assertAllClose(g1, T.matmul(c1, J), fd);
    assertAllClose(back(c2)[0]!, T.matmul(c2, J), fd);
    assertAllClose(back(c1)[0]!, g1, exact); // same cotangent, same answer on the third call
  });

  it("vjp with several primals gives one gradient per primal", () => {
    const h = (a: Tensor, b: Tensor) => T.mul(T.sin(a), b);
    const [a, b] = [r.normal([3]), r.normal([2, 3])];
    const c = r.normal([2, 3]);
    const [ga, gb] = vjp(h, a, b)[1](c);
    assertAllClose(ga!, T.sum(T.mul(T.mul(c, b), T.cos(a)), 0), exact);
    assertAllClose(gb!, T.mul(c, T.sin(a)), exact);
  });

  it("jvp returns f(x) and J t", () => {
    const t = r.normal([4]);
    const [out, jt] = jvp(f, [x], [t]);
    assertAllClose(
      out,
      noGrad(() => f(x)),
      exact,
    );
    assertAllClose(jt, T.matmul(J, t), fd);
  });

  it("jvp with several primals sums J_i t_i", () => {
    const h = (a: Tensor, b: Tensor) => T.mul(T.sin(a), T.exp(b));
    const [a, b, ta, tb] = [r.normal([3]), r.normal([3]), r.normal([3]), r.normal([3])];
    const [, jt] = jvp(h, [a, b], [ta, tb]);
    const expected = T.add(T.mul(T.mul(T.cos(a), T.exp(b)), ta), T.mul(T.mul(T.sin(a), T.exp(b)), tb));
    assertAllClose(jt, expected, exact);
  });

  it("jvp of a function that ignores its input is zero", () => {
    const [out, jt] = jvp((_: Tensor) => T.ones([2], { dtype: "float64" }), [x], [x]);
    expect(out.toArray()).toEqual([1, 1]);
    expect(jt.toArray()).toEqual([0, 0]);
  });
});

describe("jacobian, hessian, hvp", () => {
  it.each([
    [
      "[3] -> [2,2]",
      (x: Tensor) => T.reshape(T.mul(T.sin(T.concat([x, T.narrow(x, 0, 0, 1)])), 2), [2, 2]),
      [3],
    ],
    ["[] -> [3]", (x: Tensor) => T.mul(T.exp(x), T.tensor([1, 2, 3], { dtype: "float64" })), []],
    ["[2,3] -> []", (x: Tensor) => T.logsumexp(x), [2, 3]],
    ["[2,3] -> [2]", (x: Tensor) => T.sum(T.tanh(x), 1), [2, 3]],
  ] as const)("jacobian %s has shape [...out, ...in] and matches finite differences", (_, f, shape) => {
    const x = r.normal([...shape]);
    const J = jacobian(f)(x) as Tensor;
    const out = noGrad(() => f(x));
    expect(J.shape).toEqual([...out.shape, ...shape]);
    assertAllClose(J, numericJacobian(f, x), fd);
  });

  it("jacobian with an argnums array gives one Jacobian per argument", () => {
    const h = (a: Tensor, b: Tensor) => T.matmul(a, b);
    const [a, b] = [r.normal([2, 3]), r.normal([3])];
    const [Ja, Jb] = jacobian(h, { argnums: [0, 1] })(a, b) as Tensor[];
    expect(Ja!.shape).toEqual([2, 2, 3]);
    assertAllClose(
      Ja!,
      numericJacobian((t) => h(t, b), a),
      fd,
    );
    assertAllClose(Jb!, a, exact); // d(Ab)/db = A
  });

  const f = (x: Tensor) => T.add(T.sum(T.mul(T.sin(x), T.exp(T.mul(x, 0.5)))), T.square(T.sum(T.tanh(x))));
  const x = r.normal([4]);

  it("hessian of a scalar function: [n, n], symmetric, matches finite differences of the gradient", () => {
    const H = hessian(f)(x);
    expect(H.shape).toEqual([4, 4]);
    assertAllClose(H, T.transpose(H), exact);
    assertAllClose(H, numericJacobian(grad(f) as (t: Tensor) => Tensor, x), fd);
  });

  it("hessian of a matrix input has shape [...x, ...x]; argnums picks the argument", () => {
    const m = r.normal([2, 2]);
    expect(hessian((t: Tensor) => T.sum(T.exp(t)))(m).shape).toEqual([2, 2, 2, 2]);
    const h = (a: Tensor, b: Tensor) => T.sum(T.mul(T.square(a), T.exp(b)));
    const Hb = hessian(h, { argnums: 1 })(x, x);
    assertAllClose(Hb, T.mul(T.eye(4, 4, { dtype: "float64" }), T.mul(T.square(x), T.exp(x))), exact);
  });

  it("hvp equals hessian @ v, and matches finite differences of the gradient along v", () => {
    const v = r.normal([4]);
    const Hv = hvp(f, x, v);
    assertAllClose(Hv, T.matmul(hessian(f)(x), v), exact);
    const eps = 1e-6;
    const g = grad(f) as (t: Tensor) => Tensor;
    const numeric = T.div(T.sub(g(T.add(x, T.mul(v, eps))), g(T.sub(x, T.mul(v, eps)))), 2 * eps);
    assertAllClose(Hv, numeric, fd);
  });

  it("a Hessian can be differentiated again (third derivatives of sum(x^4) are 24 x on the diagonal)", () => {
    const third = jacobian(hessian((t: Tensor) => T.sum(T.pow(t, 4))))(x) as Tensor;
    const expected = new Float64Array(64);
    for (let i = 0; i < 4; i++) expected[i * 21] = 24 * x.toTypedArray()[i]!; // entry [i, i, i]
    assertAllClose(third, T.tensor(expected, { shape: [4, 4, 4] }), exact);
  });
});
