// Forward mode in the transforms: jacfwd against jacrev and finite differences, jacobian's choice
// of mode, forward-over-reverse Hessians against reverse over reverse, nesting in every order,
// custom ops with and without a tangent rule.
import type { Tensor } from "@nablajs/tensor";
import * as T from "@nablajs/tensor";
import { assertAllClose } from "@nablajs/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { customGrad, grad, hessian, hvp, jacfwd, jacobian, jacrev, jvp, MissingJvpError } from "./index.js";
import { inputs, numericJacobian } from "./test-helpers.js";

const r = inputs(909);
const f64 = { dtype: "float64" as const };
const fd = { rtol: 1e-6, atol: 1e-8 };
const exact = { rtol: 1e-12, atol: 1e-13 };

const fns: [string, (x: Tensor) => Tensor, number[]][] = [
  ["[3] -> [2,2]", (x) => T.reshape(T.tanh(T.mul(T.concat([x, T.narrow(x, 0, 1, 1)]), 2)), [2, 2]), [3]],
  ["[] -> [3]", (x) => T.mul(T.sin(x), T.tensor([1, 2, 3], f64)), []],
  ["[2,3] -> []", (x) => T.logsumexp(T.mul(x, x)), [2, 3]],
  ["[2,3] -> [3]", (x) => T.max(T.sigmoid(x), 0), [2, 3]],
  [
    "[4] -> [2,4] through a matmul",
    (x) => T.matmul(T.reshape(T.exp(x), [2, 2]), T.reshape(T.narrow(x, 0, 1, 2), [2, 1]).expand([2, 4])),
    [4],
  ],
];

describe("jacfwd and jacrev", () => {
  it.each(fns)(
    "%s: forward and reverse mode agree with each other and with finite differences",
    (_, f, shape) => {
      const x = r.normal(shape);
      const Jf = jacfwd(f)(x) as Tensor;
      expect(Jf.shape).toEqual([...T.noGrad(() => f(x)).shape, ...shape]);
      assertAllClose(Jf, jacrev(f)(x) as Tensor, exact);
      assertAllClose(Jf, jacobian(f)(x) as Tensor, exact);
      assertAllClose(Jf, numericJacobian(f, x), fd);
    },
  );

  it("an argnums array gives one Jacobian per argument, over more columns than one pass carries", () => {
    const h = (a: Tensor, b: Tensor) => T.tanh(T.matmul(a, b));
    const [a, b] = [r.normal([3, 30]), r.normal([30, 2])]; // 90 + 60 columns: three passes
    const [Ja, Jb] = jacfwd(h, { argnums: [0, 1] })(a, b) as Tensor[];
    const [Ra, Rb] = jacrev(h, { argnums: [0, 1] })(a, b) as Tensor[];
    expect(Ja!.shape).toEqual([3, 2, 3, 30]);
    assertAllClose(Ja!, Ra!, exact);
    assertAllClose(Jb!, Rb!, exact);
  });

  it("empty inputs and outputs give empty Jacobians", () => {
    expect((jacfwd((x: Tensor) => T.sum(x))(T.zeros([0], f64)) as Tensor).shape).toEqual([0]);
    expect((jacfwd((x: Tensor) => T.narrow(x, 0, 0, 0))(r.normal([2])) as Tensor).shape).toEqual([0, 2]);
  });
});

/** x -> [x, x^2, ..., x^k]: a custom op (tangent rule given or not) that counts its tangent-rule calls. */
function powers(withJvp: boolean) {
  const calls = { jvp: 0 };
  const k = 5;
  const op = customGrad(
    (x: Tensor) => T.stack(Array.from({ length: k }, (_, i) => T.pow(x, i + 1))),
    (g, [x]) => [
      T.sum(T.mul(g, T.stack(Array.from({ length: k }, (_, i) => T.mul(T.pow(x!, i), i + 1)))), 0),
    ],
    {
      name: "powers",
      ...(withJvp && {
        jvp: ([dx], [x]) => {
          calls.jvp++;
          return T.mul(T.stack(Array.from({ length: k }, (_, i) => T.mul(T.pow(x!, i), i + 1))), dx!);
        },
      }),
    },
  );
  return { op, calls };
}

describe("jacobian picks the mode", () => {
  it("forward when the inputs have fewer elements than the output, reverse otherwise", () => {
    const { op, calls } = powers(true);
    const x = r.uniform([2], 0.5, 1.5);
    const wide = jacobian(op)(x) as Tensor; // 2 inputs, 10 outputs: forward
    expect(calls.jvp).toBeGreaterThan(0);
    assertAllClose(wide, numericJacobian(op, x), fd);
    calls.jvp = 0;
    jacobian((t: Tensor) => T.sum(op(t)))(x); // 2 inputs, 1 output: reverse
    expect(calls.jvp).toBe(0);
  });

  it("through a custom op without a tangent rule: jacobian uses reverse mode, jacfwd and jvp throw", () => {
    const { op } = powers(false);
    const x = r.uniform([2], 0.5, 1.5);
    assertAllClose(jacobian(op)(x) as Tensor, numericJacobian(op, x), fd);
    expect(() => jacfwd(op)(x)).toThrow(MissingJvpError);
    expect(() => jvp(op, [x], [x])).toThrow(/powers: forward mode \(jvp, jacfwd\) reached this custom op/);
  });
});

describe("hessian and hvp: forward over reverse", () => {
  const f = (x: Tensor) =>
    T.add(
      T.sum(T.mul(T.sin(x), T.exp(T.mul(x, 0.5)))),
      T.logsumexp(T.matmul(T.reshape(x, [2, 2]), T.tanh(x.reshape([2, 2])))),
    );
  const x = r.normal([4]);
  const g = grad(f) as (t: Tensor) => Tensor;

  it("equals reverse over reverse (jacrev of grad) and finite differences of the gradient", () => {
    const H = hessian(f)(x);
    assertAllClose(H, jacrev(g)(x) as Tensor, exact);
    assertAllClose(H, numericJacobian(g, x), fd);
    assertAllClose(hvp(f, x, T.ones([4], f64)), T.sum(H, 1), exact);
  });

  it("through a custom op without a tangent rule both fall back to reverse over reverse", () => {
    const { op } = powers(false);
    const h = (t: Tensor) => T.sum(T.mul(op(t), T.tensor([1, -2, 0.5, 0.1, 0.3], f64).reshape([5, 1])));
    const H = hessian(h)(x);
    const withRule = powers(true).op;
    const ref = hessian((t: Tensor) =>
      T.sum(T.mul(withRule(t), T.tensor([1, -2, 0.5, 0.1, 0.3], f64).reshape([5, 1]))),
    )(x);
    assertAllClose(H, ref, exact);
    assertAllClose(hvp(h, x, x), T.matmul(ref, x), exact);
  });
});

describe("nesting", () => {
  const f = (x: Tensor) => T.sum(T.mul(T.tanh(x), T.square(x)));
  const x = r.normal([3]);
  const [u, v] = [r.normal([3]), r.normal([3])];
  const H = jacrev(grad(f) as (t: Tensor) => Tensor)(x) as Tensor;

  it("jvp of jvp is the second directional derivative u^T H v", () => {
    const [, d2] = jvp((t: Tensor) => jvp(f, [t], [v])[1], [x], [u]);
    assertAllClose(d2, T.sum(T.mul(u, T.matmul(H, v))), exact);
  });

  it("grad of jvp and jvp of grad are both H v", () => {
    const gj = grad((t: Tensor) => jvp(f, [t], [v])[1])(x) as Tensor;
    const jg = jvp(grad(f) as (t: Tensor) => Tensor, [x], [v])[1];
    assertAllClose(gj, T.matmul(H, v), exact);
    assertAllClose(jg, T.matmul(H, v), exact);
  });

  it("third order: jvp of a forward-over-reverse Hessian matches grad of the Hessian's trace", () => {
    const cube = (t: Tensor) => T.sum(T.mul(T.pow(t, 3), T.sin(t)));
    const dH = jvp((t: Tensor) => hessian(cube)(t), [x], [u])[1]; // sum_k d3f/dxi dxj dxk u_k
    const numeric = T.div(
      T.sub(hessian(cube)(T.add(x, T.mul(u, 1e-6))), hessian(cube)(T.sub(x, T.mul(u, 1e-6)))),
      2e-6,
    );
    assertAllClose(dH, numeric, fd);
    const trace = (t: Tensor) => T.sum(T.mul(hessian(cube)(t), T.eye(3, 3, f64)));
    const viaGrad = grad(trace)(x) as Tensor;
    assertAllClose(T.sum(T.mul(dH, T.eye(3, 3, f64))), T.sum(T.mul(viaGrad, u)), exact);
  });

  it("the jvp is linear in the tangent (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e6 }),
        fc.double({ min: -4, max: 4, noNaN: true }),
        (seed, a) => {
          const s = inputs(seed);
          const [p, q] = [s.normal([3]), s.normal([3])];
          const lhs = jvp(grad(f) as (t: Tensor) => Tensor, [x], [T.add(T.mul(p, a), q)])[1];
          const rhs = T.add(T.mul(jvp(grad(f) as (t: Tensor) => Tensor, [x], [p])[1], a), T.matmul(H, q));
          assertAllClose(lhs, rhs, { rtol: 1e-10, atol: 1e-12 });
        },
      ),
      { numRuns: 20 },
    );
  });
});
