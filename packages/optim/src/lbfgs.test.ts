import { type DType, type Tensor, tensor } from "@nablajs/tensor";
import { allClose, fromFixture, loadFixture } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { LBFGS } from "./lbfgs.js";
import { closureFor, lbfgsOptions, leaf, problem } from "./test-problems.js";

const cases = [
  ...loadFixture("lbfgs").cases.map((c: any) => ({ ...c, file: "lbfgs", dtype: "float64" })),
  ...loadFixture("lbfgs2").cases.map((c: any) => ({ ...c, file: "lbfgs2" })),
];

describe("LBFGS against torch.optim.LBFGS", () => {
  it.each(cases.map((c) => [`${c.file} ${c.name} ${c.dtype}`, c]))("%s", (_, c: any) => {
    const dtype = c.dtype as DType;
    const { params, loss } = problem(c, dtype);
    const opt = new LBFGS(params, lbfgsOptions(c.options));
    const closure = closureFor(opt, loss);
    const tol = dtype === "float64" ? { rtol: 1e-9, atol: 1e-12 } : { rtol: 4e-6, atol: 2e-6 };
    c.trajectory.forEach((expected: any[], step: number) => {
      const l = opt.step(closure).item();
      expect(
        Math.abs(l - c.losses[step]),
        `step ${step + 1} loss ${l} vs ${c.losses[step]}`,
      ).toBeLessThanOrEqual(tol.atol + tol.rtol * Math.abs(c.losses[step]));
      params.forEach((p, i) => {
        const r = allClose(p, fromFixture(expected[i]), tol);
        expect(r.pass, `step ${step + 1}, parameter ${i}: ${r.message}`).toBe(true);
      });
      if (c.funcEvals !== undefined) {
        const s = opt.stateDict().state[0]!;
        expect([s.func_evals, s.n_iter], `step ${step + 1}: evaluations and iterations`).toEqual([
          c.funcEvals[step],
          c.nIter[step],
        ]);
      }
    });
  });
});

describe("LBFGS state and options", () => {
  const byName = (name: string) =>
    loadFixture("lbfgs2").cases.find((c: any) => c.name === name && c.dtype === "float64");

  it.each(["rosen4_wolfe_history3", "softmax_plain"])(
    "%s: saved after each step and loaded into a new optimizer, continues PyTorch's trajectory",
    (name) => {
      const c = byName(name);
      for (let stop = 1; stop < c.trajectory.length; stop++) {
        const first = problem(c, "float64");
        const before = new LBFGS(first.params, lbfgsOptions(c.options));
        for (let k = 0; k < stop; k++) before.step(closureFor(before, first.loss));
        const saved = before.stateDict();
        expect((saved.state[0]!.old_dirs as Tensor).shape[1]).toBe(
          first.params.reduce((n, p) => n + p.size, 0),
        );
        // fresh parameters at the saved values, default options: the state dict restores both
        const { params, loss } = problem(c, "float64");
        params.forEach((p, i) => {
          p.data.set(first.params[i]!.toTypedArray());
        });
        const opt = new LBFGS(params);
        opt.loadStateDict(saved);
        expect(opt.paramGroups[0]!.historySize).toBe(c.options.history_size ?? 100);
        for (let k = stop; k < c.trajectory.length; k++) {
          expect(opt.step(closureFor(opt, loss)).item()).toBeCloseTo(c.losses[k], 12);
          params.forEach((p, i) => {
            const r = allClose(p, fromFixture(c.trajectory[k][i]), { rtol: 1e-9, atol: 1e-12 });
            expect(r.pass, `stopped after ${stop}, step ${k + 1}, parameter ${i}: ${r.message}`).toBe(true);
          });
        }
      }
    },
  );

  it("stateDict holds PyTorch's keys; a state dict is a snapshot", () => {
    const c = byName("rosen4_wolfe_history3");
    const { params, loss } = problem(c, "float64");
    const opt = new LBFGS(params, lbfgsOptions(c.options));
    expect(opt.stateDict().state).toEqual({});
    opt.step(closureFor(opt, loss));
    const s = opt.stateDict().state[0]!;
    expect(Object.keys(s).sort()).toEqual(
      [
        "H_diag",
        "d",
        "func_evals",
        "n_iter",
        "old_dirs",
        "old_stps",
        "prev_flat_grad",
        "prev_loss",
        "ro",
        "t",
      ].sort(),
    );
    expect((s.old_dirs as Tensor).shape).toEqual([3, 4]); // historySize pairs of 4 parameters
    expect((s.ro as Tensor).shape).toEqual([3]);
    const d = (s.d as Tensor).toTypedArray().slice();
    opt.step(closureFor(opt, loss));
    expect((s.d as Tensor).toTypedArray()).toEqual(d);
  });

  it("rejects bad options, several groups, mixed dtypes and bad state dicts", () => {
    const x = () => leaf(tensor([1, 2], { dtype: "float64" }));
    const cases: [() => unknown, string][] = [
      [() => new LBFGS([x()], { historySize: 0 }), "LBFGS: historySize must be a positive integer, got 0"],
      [() => new LBFGS([x()], { lr: -1 }), "LBFGS: lr must be a positive number, got -1"],
      [() => new LBFGS([x()], { maxIter: 2.5 }), "LBFGS: maxIter must be a positive integer, got 2.5"],
      [() => new LBFGS([x()], { maxEval: 0 }), "LBFGS: maxEval must be a positive integer, got 0"],
      [() => new LBFGS([x()], { toleranceGrad: -1 }), "LBFGS: toleranceGrad must be a number >= 0, got -1"],
      [
        () => new LBFGS([x()], { toleranceChange: Number.NaN }),
        "LBFGS: toleranceChange must be a number >= 0, got NaN",
      ],
      [
        () => new LBFGS([x()], { lineSearchFn: "armijo" as never }),
        'LBFGS: lineSearchFn must be "strong_wolfe" or null, got "armijo"',
      ],
      [
        () => new LBFGS([{ params: [x()] }, { params: [x()] }]),
        "LBFGS: doesn't support per-parameter options (parameter groups)",
      ],
      [
        () => new LBFGS([x(), leaf(tensor([1], { dtype: "float32" }))]),
        "LBFGS: all parameters must share one dtype, got float64 and float32",
      ],
      [
        () => new LBFGS([x()]).step(),
        "LBFGS: step(closure) needs a closure that zeroes the gradients, computes the loss, calls backward() and returns it",
      ],
      [
        () => new LBFGS([x()]).step(() => tensor([1, 2])),
        "LBFGS: the closure must return a scalar loss tensor, got a tensor of shape [2]",
      ],
      [
        () => new LBFGS([x()]).loadStateDict({ state: { 1: {} }, paramGroups: [] }),
        "LBFGS: keeps its state under parameter 0, got state for [1]",
      ],
    ];
    for (const [make, message] of cases) expect(make).toThrow(message);
    // a state dict of another size
    const c = byName("rosen4_wolfe_history3");
    const { params, loss } = problem(c, "float64");
    const opt = new LBFGS(params);
    opt.step(closureFor(opt, loss));
    expect(() => new LBFGS([x()]).loadStateDict(opt.stateDict())).toThrow(
      "LBFGS: loaded state 'd' must be a tensor of shape [2], got [4]",
    );
  });

  it("the maxEval default is floor(1.25 maxIter), as PyTorch", () => {
    const x = leaf(tensor([1, 2], { dtype: "float64" }));
    expect(new LBFGS([x]).paramGroups[0]!.maxEval).toBe(25);
    expect(new LBFGS([x], { maxIter: 7 }).paramGroups[0]!.maxEval).toBe(8);
    expect(new LBFGS([x], { maxIter: 7, maxEval: 3 }).paramGroups[0]!.maxEval).toBe(3);
  });
});
