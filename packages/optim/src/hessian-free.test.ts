import {
  add,
  concat,
  Generator,
  logsumexp,
  matmul,
  mul,
  randn,
  reshape,
  square,
  sub,
  sum,
  type Tensor,
  tanh,
  tensor,
} from "@nablajs/tensor";
import { allClose, fromFixture, loadFixture } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { conjugateGradient } from "./conjugate-gradient.js";
import { curvature, flatten } from "./curvature.js";
import { HessianFree } from "./hessian-free.js";
import { leaf, rosenbrock } from "./test-problems.js";

const f64 = { dtype: "float64" as const };

/** A symmetric positive definite n x n matrix Q diag(eigs) Q^T (Q orthogonal from a QR of a Gaussian). */
function spd(eigs: number[], gen: Generator): Float64Array {
  const n = eigs.length;
  const q = Array.from({ length: n }, () => Array.from({ length: n }, () => gen.normal()));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const r = q[i]!.reduce((s, v, k) => s + v * q[j]![k]!, 0);
      q[i] = q[i]!.map((v, k) => v - r * q[j]![k]!);
    }
    const norm = Math.hypot(...q[i]!);
    q[i] = q[i]!.map((v) => v / norm);
  }
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) a[i * n + j] = eigs.reduce((s, e, k) => s + e * q[k]![i]! * q[k]![j]!, 0);
  return a;
}

/** The exact solution of A x = b (Gaussian elimination with partial pivoting). */
function solve(a: Float64Array, b: Float64Array): Float64Array {
  const n = b.length;
  const m = Array.from({ length: n }, (_, i) => [...a.subarray(i * n, (i + 1) * n), b[i]!]);
  for (let c = 0; c < n; c++) {
    const p = m
      .slice(c)
      .reduce((best, row, i) => (Math.abs(row[c]!) > Math.abs(m[best]![c]!) ? c + i : best), c);
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / m[c]![c]!;
      m[r] = m[r]!.map((v, k) => v - f * m[c]![k]!);
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= m[r]![k]! * x[k]!;
    x[r] = s / m[r]![r]!;
  }
  return x;
}

describe("Hessian-vector products", () => {
  const so = loadFixture("second_order").cases.filter((c: any) => c.name !== "newton_convex");
  const fns: Record<string, (c: any) => (x: Tensor) => Tensor> = {
    rosenbrock: () => rosenbrock,
    logsumexp_tanh: (c) => {
      const A = fromFixture(c.A);
      return (x) => add(logsumexp(matmul(A, tanh(x))), mul(sum(square(x)), 0.1));
    },
  };

  it.each(so.map((c: any) => [c.name, c]))(
    "%s: gradient, H v and every column of H against PyTorch",
    (_, c: any) => {
      const x = leaf(fromFixture(c.x));
      const { grad, hvp } = curvature(fns[c.name]!(c)(x), [x]);
      const tol = { rtol: 1e-10, atol: 1e-12 };
      expect(allClose(tensor(grad), fromFixture(c.grad), tol).message).toMatch(/^all/);
      expect(allClose(tensor(hvp(Float64Array.from(c.v.data))), fromFixture(c.hvp), tol).message).toMatch(
        /^all/,
      );
      const n = x.size;
      const dense = fromFixture(c.hessian).toTypedArray();
      for (let j = 0; j < n; j++) {
        const e = new Float64Array(n);
        e[j] = 1;
        const column = Float64Array.from({ length: n }, (_, i) => dense[i * n + j]!);
        expect(allClose(tensor(hvp(e)), tensor(column), tol).message, `column ${j}`).toMatch(/^all/);
      }
    },
  );

  it("over several parameters of both dtypes, H v matches the dense Hessian of a quadratic form", () => {
    const gen = new Generator(5);
    const A = spd([1, 2, 3, 4, 5, 6, 7], gen);
    const W = leaf(randn([2, 2], { ...f64, generator: gen }));
    const v = leaf(randn([3], { ...f64, generator: gen }));
    const z = () => reshape(concat([reshape(W, [4]), v]), [7, 1]);
    const Am = tensor(Array.from(A), { ...f64, shape: [7, 7] });
    // f = 0.5 z^T A z + sum(z^3) / 3: H = A + diag(2 z)
    const f = add(mul(sum(mul(z(), matmul(Am, z()))), 0.5), mul(sum(mul(square(z()), z())), 1 / 3));
    const { hvp } = curvature(f, [W, v]);
    const zs = flatten([W, v]);
    const u = Float64Array.from({ length: 7 }, () => gen.normal());
    const expected = Float64Array.from({ length: 7 }, (_, i) =>
      u.reduce((s, uj, j) => s + (A[i * 7 + j]! + (i === j ? 2 * zs[i]! : 0)) * uj, 0),
    );
    expect(allClose(tensor(hvp(u)), tensor(expected), { rtol: 1e-12, atol: 1e-12 }).message).toMatch(/^all/);
  });
});

describe("conjugate gradient", () => {
  it("solves an n x n positive definite system in n iterations, and in k for k distinct eigenvalues", () => {
    const gen = new Generator(1);
    for (const eigs of [
      [1, 2, 4, 8, 16, 32, 64, 128],
      [2, 2, 2, 7, 7, 7, 50, 50],
    ]) {
      const n = eigs.length;
      const a = spd(eigs, gen);
      const b = Float64Array.from({ length: n }, () => gen.normal());
      const matvec = (v: Float64Array) =>
        Float64Array.from({ length: n }, (_, i) => v.reduce((s, vj, j) => s + a[i * n + j]! * vj, 0));
      const k = new Set(eigs).size;
      // exact in exact arithmetic; in floating point the residual after k steps is ~1e-9 of |b|
      const r = conjugateGradient(matvec, b, { maxIter: k });
      expect(r.iterations).toBe(k);
      expect(allClose(tensor(r.x), tensor(solve(a, b)), { rtol: 1e-7, atol: 1e-9 }).message).toMatch(/^all/);
      expect(allClose(tensor(r.ax), tensor(matvec(r.x)), { rtol: 1e-9, atol: 1e-10 }).message).toMatch(
        /^all/,
      );
      // one step fewer is far from it
      const short = conjugateGradient(matvec, b, { maxIter: k - 1 });
      expect(allClose(tensor(short.x), tensor(solve(a, b)), { rtol: 1e-3, atol: 1e-3 }).pass).toBe(false);
      expect(conjugateGradient(matvec, b, { maxIter: 100, tolerance: 1e-12 }).stop).toBe("converged");
    }
  });

  it("stops at negative curvature, returning b when there is no iterate yet", () => {
    const b = Float64Array.from([2, 1]);
    const r = conjugateGradient((v) => Float64Array.from([-v[0]!, v[1]!]), b, { maxIter: 5 });
    expect(r.stop).toBe("negativeCurvature");
    expect(Array.from(r.x)).toEqual([2, 1]);
    expect(Array.from(r.ax)).toEqual([-2, 1]);
  });
});

describe("HessianFree", () => {
  /** f(x) = 0.5 x^T A x - b^T x over one vector parameter. */
  function quadratic(eigs: number[], seed: number) {
    const gen = new Generator(seed);
    const n = eigs.length;
    const a = spd(eigs, gen);
    const b = Float64Array.from({ length: n }, () => gen.normal());
    const A = tensor(Array.from(a), { ...f64, shape: [n, n] });
    const B = tensor(Array.from(b), f64);
    const x = leaf(
      tensor(
        Array.from({ length: n }, () => gen.normal()),
        f64,
      ),
    );
    const f = () => sub(mul(sum(mul(x, reshape(matmul(A, reshape(x, [n, 1])), [n]))), 0.5), sum(mul(B, x)));
    return { x, f, minimiser: solve(a, b), n };
  }

  it("reaches the exact minimiser of a convex quadratic in one step of n CG iterations", () => {
    const { x, f, minimiser, n } = quadratic([0.5, 1, 2, 3, 5, 8, 13, 21, 34, 55], 2);
    const opt = new HessianFree([x], { damping: 0, maxCgIters: n, cgTolerance: 0, cgProgressTolerance: 0 });
    opt.step(f);
    expect(opt.lastStep!.cgIterations).toBe(n);
    expect(opt.lastStep!.stepSize).toBe(1);
    expect(opt.lastStep!.rho).toBeCloseTo(1, 8); // the model is the function
    expect(allClose(x, tensor(minimiser), { rtol: 1e-8, atol: 1e-10 }).message).toMatch(/^all/);
  });

  it("damping: a quadratic's exact model lowers lambda (x 2/3); a poor model raises it (x 3/2)", () => {
    const q = quadratic([1, 5, 25], 3);
    const opt = new HessianFree([q.x], { damping: 0.3 });
    opt.step(q.f);
    expect(opt.lastStep!.rho).toBeGreaterThan(0.75);
    expect(opt.paramGroups[0]!.damping).toBeCloseTo(0.2, 15);
    // f(x) = x^4 from x = 1 with no damping: the Newton step overshoots the quartic's flat bottom
    const x = leaf(tensor([1], f64));
    const quartic = new HessianFree([x], { damping: 1e-3, lr: 6 });
    quartic.step(() => sum(square(square(x))));
    expect(quartic.lastStep!.rho).toBeLessThan(0.25);
    expect(quartic.paramGroups[0]!.damping).toBeCloseTo(1.5e-3, 15);
    expect(quartic.lastStep!.stepSize).toBeCloseTo(4.8, 12); // x - 6 d = -1 fails Armijo; 0.8 of it passes
  });

  it("minimises the Rosenbrock function (indefinite Hessians on the way) to (1, 1)", () => {
    const x = leaf(tensor([-1.2, 1], f64));
    const opt = new HessianFree([x], { damping: 0.1 });
    for (let k = 0; k < 60 && Math.hypot(...x.toTypedArray().map((v) => v - 1)) > 1e-8; k++)
      opt.step(() => rosenbrock(x));
    expect(allClose(x, tensor([1, 1], f64), { rtol: 0, atol: 1e-7 }).message).toMatch(/^all/);
  });

  it("a state dict (damping, warm-start directions) resumes a run exactly", () => {
    const run = (stopAt: number | null) => {
      const q = quadratic([0.1, 1, 10, 100, 1000, 1e4], 4);
      const make = () => new HessianFree([q.x], { maxCgIters: 3 });
      let opt = make();
      const losses: number[] = [];
      for (let k = 0; k < 6; k++) {
        if (k === stopAt) {
          const saved = opt.stateDict();
          opt = make();
          opt.loadStateDict(saved);
        }
        losses.push(opt.step(q.f).item());
      }
      return [losses, Array.from(q.x.toTypedArray())];
    };
    const expected = run(null);
    expect(run(3)).toEqual(expected);
    expect(run(1)).toEqual(expected);
  });

  it("rejects bad options, groups, closures and parameters", () => {
    const x = () => leaf(tensor([1, 2], f64));
    const cases: [() => unknown, string][] = [
      [() => new HessianFree([x()], { lr: 0 }), "HessianFree: lr must be a positive number, got 0"],
      [
        () => new HessianFree([x()], { damping: -1 }),
        "HessianFree: damping must be a finite number >= 0, got -1",
      ],
      [
        () => new HessianFree([x()], { maxCgIters: 0 }),
        "HessianFree: maxCgIters must be a positive integer, got 0",
      ],
      [() => new HessianFree([x()], { cgDecay: 2 }), "HessianFree: cgDecay must be in [0, 1], got 2"],
      [
        () => new HessianFree([x()], { maxBacktracks: -1 }),
        "HessianFree: maxBacktracks must be an integer >= 0, got -1",
      ],
      [
        () => new HessianFree([x()], { adaptDamping: 1 as never }),
        "HessianFree: adaptDamping must be a boolean, got 1",
      ],
      [
        () => new HessianFree([{ params: [x()] }, { params: [x()] }]),
        "HessianFree: doesn't support per-parameter options (parameter groups)",
      ],
      [
        () => new HessianFree([x()]).step(),
        "HessianFree: step(closure) needs a closure that recomputes and returns the loss",
      ],
      [
        () => new HessianFree([tensor([1, 2], f64)]).step(() => tensor(1)),
        "HessianFree: parameter 0 [2] does not require a gradient",
      ],
      [
        () => {
          const p = x();
          return new HessianFree([p]).step(() => mul(p, 2));
        },
        "HessianFree: the closure must return a scalar loss tensor, got a tensor of shape [2]",
      ],
      [
        () => {
          const p = x();
          return new HessianFree([p]).step(() => sum(mul(p, Number.NaN)));
        },
        "HessianFree: the loss or its gradient is not finite at the current parameters",
      ],
    ];
    for (const [make, message] of cases) expect(make).toThrow(message);
  });
});
