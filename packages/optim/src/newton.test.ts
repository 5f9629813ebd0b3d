import {
  add,
  concat,
  Generator,
  logsumexp,
  matmul,
  mT,
  mul,
  narrow,
  randn,
  reshape,
  square,
  sub,
  sum,
  type Tensor,
  tensor,
  zeros,
} from "@nablajs/tensor";
import { allClose, fromFixture, loadFixture } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { Adam } from "./adam.js";
import { Newton } from "./newton.js";

const f64 = { dtype: "float64" as const };

function param(values: number[] | Tensor): Tensor {
  const p = Array.isArray(values) ? tensor(values, f64) : values.detach().contiguous().mul(1);
  p.requiresGrad = true;
  return p;
}

/** (1 - x)^2 + 100 (y - x^2)^2, minimum 0 at (1, 1). */
const rosenbrock = (p: Tensor) => {
  const x = narrow(p, 0, 0, 1);
  const y = narrow(p, 0, 1, 1);
  return sum(add(square(sub(1, x)), mul(square(sub(y, square(x))), 100)));
};

const distanceToOne = (p: Tensor) => Math.hypot(...Array.from(p.toTypedArray(), (v) => v - 1));

describe("Newton", () => {
  it("follows PyTorch's trajectory on newton_convex (second_order.json)", () => {
    const c = loadFixture("second_order").cases.find((k: any) => k.name === "newton_convex");
    const Q = fromFixture(c.Q);
    const b = fromFixture(c.b);
    const x = param(fromFixture(c.x0));
    // f(x) = 0.5 x^T Q x + b^T x + log(sum(exp(x)))
    const f = () => {
      const col = reshape(x, [3, 1]);
      return add(add(mul(sum(matmul(mT(col), matmul(Q, col))), 0.5), sum(mul(b, x))), logsumexp(x));
    };
    const opt = new Newton([x]);
    c.trajectory.forEach((expected: any, k: number) => {
      opt.step(f);
      const r = allClose(x, fromFixture(expected), { rtol: 1e-10, atol: 1e-13 });
      expect(r.pass, `step ${k + 1}: ${r.message}`).toBe(true);
    });
  });

  it("minimises a strictly convex quadratic over several parameters in one step", () => {
    const gen = new Generator(11);
    const M = randn([7, 7], { ...f64, generator: gen });
    const A = add(
      matmul(M, mT(M)),
      mul(
        tensor(
          Array.from({ length: 49 }, (_, i) => (i % 8 === 0 ? 1 : 0)),
          f64,
        ),
        1,
      ).reshape([7, 7]),
    );
    const b = randn([7, 1], { ...f64, generator: gen });
    const W = param(randn([2, 2], { ...f64, generator: gen }));
    const v = param(randn([3], { ...f64, generator: gen }));
    const z = () => reshape(concat([reshape(W, [4]), v]), [7, 1]);
    // f(z) = 0.5 z^T A z - b^T z, minimised where A z = b.
    const f = () => sub(mul(sum(mul(z(), matmul(A, z()))), 0.5), sum(mul(b, z())));
    new Newton([{ params: [W] }, { params: [v] }]).step(f);
    const residual = sub(matmul(A, z()), b).toTypedArray();
    for (const r of residual) expect(Math.abs(r)).toBeLessThan(1e-10);
  });

  it("applies damping and the learning rate: (H + lambda I) d = g, p -= lr d", () => {
    const A = tensor(
      [
        [4, 1],
        [1, 3],
      ],
      f64,
    );
    const b = tensor([[1], [2]], f64);
    const x = param([0.5, -1]);
    const x0 = x.toTypedArray();
    const f = () => {
      const col = reshape(x, [2, 1]);
      return sub(mul(sum(mul(col, matmul(A, col))), 0.5), sum(mul(b, col)));
    };
    new Newton([x], { damping: 0.5, lr: 0.8 }).step(f);
    // (A + 0.5 I) (x0 - x1) / 0.8 = A x0 - b
    const d = tensor(
      Array.from(x0, (v, i) => (v - x.toTypedArray()[i]!) / 0.8),
      f64,
    ).reshape([2, 1]);
    const lhs = matmul(
      add(
        A,
        tensor(
          [
            [0.5, 0],
            [0, 0.5],
          ],
          f64,
        ),
      ),
      d,
    );
    const rhs = sub(matmul(A, tensor(Array.from(x0), f64).reshape([2, 1])), b);
    expect(allClose(lhs, rhs, { rtol: 1e-12 }).pass).toBe(true);
  });

  it("damps a Hessian that is not positive definite so the step still descends", () => {
    // f = x^2 - y^2 + y^4: at (1, 0.1) the Hessian is diag(2, -1.88).
    const p = param([1, 0.1]);
    const f = () => {
      const [x, y] = [narrow(p, 0, 0, 1), narrow(p, 0, 1, 1)];
      return sum(add(sub(square(x), square(y)), square(square(y))));
    };
    const opt = new Newton([p]);
    const before = f().item();
    opt.step(f);
    expect(opt.lastShift).toBeGreaterThan(1.88); // the y-curvature -1.88 had to be lifted
    expect(f().item()).toBeLessThan(before);
  });

  it("solves the Rosenbrock function in far fewer steps than Adam", () => {
    const stepsToSolve = (
      make: (p: Tensor) => { step(c?: () => Tensor): unknown; zeroGrad(): void },
      max: number,
    ) => {
      const p = param([-1.2, 1]);
      const opt = make(p);
      for (let k = 1; k <= max; k++) {
        opt.step(() => {
          opt.zeroGrad();
          const loss = rosenbrock(p);
          if (!(opt instanceof Newton)) loss.backward();
          return loss;
        });
        if (distanceToOne(p) < 1e-6) return k;
      }
      return Infinity;
    };
    const newton = stepsToSolve((p) => new Newton([p]), 50);
    const adam = stepsToSolve((p) => new Adam([p], { lr: 0.02 }), 700);
    expect(newton).toBeLessThanOrEqual(10);
    expect(adam).toBeGreaterThan(100 * newton); // Adam has not got there within 700 steps
  });

  it("rejects bad use with clear errors", () => {
    const p = param([1, 2]);
    expect(() => new Newton([p], { lr: -1 })).toThrow("Newton: Invalid learning rate: -1");
    expect(() => new Newton([p], { damping: -0.1 })).toThrow("Newton: Invalid damping value: -0.1");
    expect(() => new Newton([zeros([4097], f64)])).toThrow(
      /Newton: 4097 parameters would need a dense 4097 x 4097 Hessian; at most 4096 .* HessianFree .* or LBFGS/,
    );
    const opt = new Newton([p]);
    expect(() => opt.step()).toThrow(
      "Newton: step(closure) needs a closure that recomputes and returns the loss",
    );
    expect(() => opt.step(() => mul(p, 2))).toThrow(
      "Newton: the closure must return a scalar loss tensor, got a tensor of shape [2]",
    );
    expect(() => new Newton([zeros([2], f64)]).step(() => sum(p))).toThrow(
      "Newton: parameter 0 [2] does not require a gradient",
    );
    expect(() => opt.step(() => sum(mul(p, Number.NaN)))).toThrow(/not finite/);
  });
});
