import { zeros } from "@nablajs/tensor";
import { describe, expect, it } from "vitest";
import { SGD } from "../sgd.js";
import { CosineAnnealingLR } from "./cosine-annealing-lr.js";
import { ExponentialLR } from "./exponential-lr.js";
import { LinearLR } from "./linear-lr.js";
import type { LRScheduler } from "./lr-scheduler.js";
import { ReduceLROnPlateau } from "./reduce-lr-on-plateau.js";
import { SequentialLR } from "./sequential-lr.js";
import { StepLR } from "./step-lr.js";

const sgd = (lr: number) => new SGD([zeros([2])], { lr });

/** The lr of epochs 0..n-1: the value after construction, then after each step. */
function lrs(opt: SGD, s: { step(): void }, n: number): number[] {
  const out = [opt.paramGroups[0]!.lr];
  for (let t = 1; t < n; t++) {
    s.step();
    out.push(opt.paramGroups[0]!.lr);
  }
  return out;
}

const expectClose = (actual: number[], expected: number[], digits = 14) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => {
    expect(a, `epoch ${i}`).toBeCloseTo(expected[i]!, digits);
  });
};

// Expected values come from the formulas and examples in PyTorch's lr_scheduler documentation.
describe("learning-rate schedules", () => {
  it("StepLR: 0.05 before epoch 30, 0.005 until 60, 0.0005 until 90", () => {
    const opt = sgd(0.05);
    const got = lrs(opt, new StepLR(opt, { stepSize: 30, gamma: 0.1 }), 91);
    const expected = got.map((_, t) => 0.05 * 0.1 ** Math.floor(t / 30));
    expectClose(got, expected, 16);
  });

  it("ExponentialLR: lr_0 gamma^t", () => {
    const opt = sgd(0.1);
    expectClose(
      lrs(opt, new ExponentialLR(opt, { gamma: 0.9 }), 6),
      [0.1, 0.09, 0.081, 0.0729, 0.06561, 0.059049],
    );
  });

  it("LinearLR warm-up: 0.025, 0.03125, 0.0375, 0.04375, then 0.05 (start 0.5 over 4 epochs)", () => {
    const opt = sgd(0.05);
    const got = lrs(opt, new LinearLR(opt, { startFactor: 0.5, totalIters: 4 }), 7);
    expectClose(got, [0.025, 0.03125, 0.0375, 0.04375, 0.05, 0.05, 0.05], 16);
  });

  it("CosineAnnealingLR: etaMin + (lr_0 - etaMin)(1 + cos(pi t / T)) / 2, climbing back after T", () => {
    const opt = sgd(0.1);
    const got = lrs(opt, new CosineAnnealingLR(opt, { tMax: 5, etaMin: 0.01 }), 13);
    const expected = got.map((_, t) => 0.01 + ((0.1 - 0.01) * (1 + Math.cos((Math.PI * t) / 5))) / 2);
    expectClose(got, expected, 14);
  });

  it("SequentialLR: linear warm-up for 3 epochs, then cosine restarted at its epoch 0", () => {
    const opt = sgd(1);
    const warmup = new LinearLR(opt, { startFactor: 0.1, totalIters: 3 });
    const cosine = new CosineAnnealingLR(opt, { tMax: 4 });
    const s = new SequentialLR(opt, { schedulers: [warmup, cosine], milestones: [3] });
    const c = (t: number) => (1 + Math.cos((Math.PI * t) / 4)) / 2;
    expectClose(lrs(opt, s, 8), [0.1, 0.4, 0.7, 1, c(1), c(2), c(3), 0]);
    expect(s.getLastLr()).toEqual([opt.paramGroups[0]!.lr]);
  });

  it("schedules compose: StepLR and ExponentialLR on one optimizer multiply", () => {
    const opt = sgd(1);
    const a = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
    const b = new ExponentialLR(opt, { gamma: 0.9 });
    const got = [opt.paramGroups[0]!.lr];
    for (let t = 1; t < 5; t++) {
      a.step();
      b.step();
      got.push(opt.paramGroups[0]!.lr);
    }
    expectClose(
      got,
      [0, 1, 2, 3, 4].map((t) => 0.5 ** Math.floor(t / 2) * 0.9 ** t),
    );
  });

  it("each parameter group follows its own base lr; a state dict resumes the schedule", () => {
    const opt = new SGD([
      { params: [zeros([1])], lr: 1 },
      { params: [zeros([1])], lr: 0.1 },
    ]);
    const s = new ExponentialLR(opt, { gamma: 0.5 });
    s.step();
    expect(s.getLastLr()).toEqual([0.5, 0.05]);
    const saved = s.stateDict();
    s.step();
    const fresh = new ExponentialLR(opt, { gamma: 0.5 });
    fresh.loadStateDict(saved);
    expect(fresh.lastEpoch).toBe(1);
    expect(fresh.baseLrs).toEqual([1, 0.1]);
  });

  it("rejects bad options", () => {
    const opt = sgd(0.1);
    const cases: [() => LRScheduler | ReduceLROnPlateau, string | RegExp][] = [
      [() => new StepLR(opt, { stepSize: 0 }), "StepLR: stepSize must be an integer >= 1, got 0"],
      [() => new ExponentialLR(opt, { gamma: -1 }), "ExponentialLR: gamma must be a positive number, got -1"],
      [
        () => new CosineAnnealingLR(opt, { tMax: 0 }),
        "CosineAnnealingLR: tMax must be a positive number, got 0",
      ],
      [() => new LinearLR(opt, { startFactor: 0 }), "LinearLR: startFactor must be in (0, 1], got 0"],
      [() => new LinearLR(opt, { endFactor: 1.5 }), "LinearLR: endFactor must be in [0, 1], got 1.5"],
      [() => new LinearLR(opt, { totalIters: 2.5 }), "LinearLR: totalIters must be an integer >= 1, got 2.5"],
      [() => new StepLR({} as any, { stepSize: 1 }), "StepLR: expected an Optimizer, got object"],
      [
        () => new StepLR(sgd(1), { stepSize: 1, lastEpoch: 3 }),
        "StepLR: paramGroups[0] has no initialLr to resume from (lastEpoch 3)",
      ],
      [
        () => new SequentialLR(opt, { schedulers: [], milestones: [] }),
        "SequentialLR: expects at least one scheduler",
      ],
      [
        () => new SequentialLR(opt, { schedulers: [new StepLR(opt, { stepSize: 1 })], milestones: [2] }),
        "SequentialLR: expects one milestone fewer than schedulers, got 1 schedulers and 1 milestones",
      ],
      [
        () => new SequentialLR(opt, { schedulers: [new StepLR(sgd(1), { stepSize: 1 })], milestones: [] }),
        "SequentialLR: schedulers[0] belongs to a different optimizer",
      ],
      [
        () => {
          const a = new StepLR(opt, { stepSize: 1 });
          return new SequentialLR(opt, { schedulers: [a, a, a], milestones: [3, 2] });
        },
        "SequentialLR: milestones must be increasing positive integers, got [3, 2]",
      ],
      [() => new ReduceLROnPlateau(opt, { factor: 1 }), "ReduceLROnPlateau: factor should be < 1.0, got 1"],
      [
        () => new ReduceLROnPlateau(opt, { mode: "up" as any }),
        "ReduceLROnPlateau: mode up is unknown (min or max)",
      ],
      [() => new ReduceLROnPlateau(opt, { thresholdMode: "x" as any }), /threshold mode x is unknown/],
      [
        () => new ReduceLROnPlateau(opt, { minLr: [0, 0] }),
        "ReduceLROnPlateau: expected 1 minLr values, got 2",
      ],
      [
        () => new ReduceLROnPlateau(opt, { patience: -1 }),
        "ReduceLROnPlateau: patience must be an integer >= 0, got -1",
      ],
    ];
    for (const [make, message] of cases) expect(make).toThrow(message);
  });
});

describe("ReduceLROnPlateau", () => {
  it("halves the lr after more than `patience` epochs without a relative improvement of 1e-4", () => {
    const opt = sgd(1);
    const s = new ReduceLROnPlateau(opt, { factor: 0.5, patience: 2 });
    // 0.89995 is not better than 0.9 * (1 - 1e-4) = 0.89991: it counts as a bad epoch.
    const metrics = [1, 0.9, 0.95, 0.89995, 0.95, 0.8, 0.85, 0.85, 0.85, 0.85];
    const got = metrics.map((m) => {
      s.step(m);
      return s.getLastLr()[0];
    });
    expect(got).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25]);
  });

  it("max mode with absolute threshold, cooldown and a floor", () => {
    const opt = sgd(1);
    const s = new ReduceLROnPlateau(opt, {
      mode: "max",
      thresholdMode: "abs",
      threshold: 0.1,
      factor: 0.5,
      patience: 0,
      cooldown: 1,
      minLr: 0.2,
    });
    // best 0.5; 0.55 < 0.5 + 0.1 is bad: halve; the next bad epoch falls in the cooldown; the one
    // after halves again; 0.7 is better; then bad again: halving would pass the floor 0.2.
    const got = [0.5, 0.55, 0.55, 0.55, 0.7, 0.7, 0.7].map((m) => {
      s.step(m);
      return s.getLastLr()[0];
    });
    expect(got).toEqual([1, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2]);
    expect(s.best).toBe(0.7);
  });
});
