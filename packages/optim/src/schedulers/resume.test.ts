import { zeros } from "@nablajs/tensor";
import { describe, expect, it } from "vitest";
import { SGD } from "../sgd.js";
import { CosineAnnealingLR } from "./cosine-annealing-lr.js";
import { CosineAnnealingWarmRestarts } from "./cosine-annealing-warm-restarts.js";
import { ExponentialLR } from "./exponential-lr.js";
import { LambdaLR } from "./lambda-lr.js";
import { LinearLR } from "./linear-lr.js";
import type { LRScheduler } from "./lr-scheduler.js";
import { MultiStepLR } from "./multi-step-lr.js";
import { OneCycleLR } from "./one-cycle-lr.js";
import { ReduceLROnPlateau } from "./reduce-lr-on-plateau.js";
import { SequentialLR } from "./sequential-lr.js";
import { StepLR } from "./step-lr.js";

// A resumed schedule must continue exactly where the uninterrupted one goes, whether it is rebuilt
// with `lastEpoch` (on an optimizer restored from its state dict) or restored from state dicts.

/** Two parameter groups, so each group's own base lr is checked. */
const optimizer = () =>
  new SGD([
    { params: [zeros([1])], lr: 1 },
    { params: [zeros([1])], lr: 0.1 },
  ]);

const lrsOf = (opt: SGD) => opt.paramGroups.map((g) => g.lr);

/** Each group's lr (and momentum) at epochs 0..n-1 (construction, then one step per epoch). */
function epochs(opt: SGD, s: { step(): void }, n: number): number[][] {
  const out = [[...lrsOf(opt), ...opt.paramGroups.map((g) => g.momentum)]];
  for (let t = 1; t < n; t++) {
    s.step();
    out.push([...lrsOf(opt), ...opt.paramGroups.map((g) => g.momentum)]);
  }
  return out;
}

function expectSame(got: number[][], expected: number[][], from: number): void {
  expect(got).toHaveLength(expected.length);
  got.forEach((lrs, t) => {
    lrs.forEach((lr, i) => {
      expect(lr, `epoch ${from + t}, group ${i}`).toBeCloseTo(expected[t]![i]!, 14);
    });
  });
}

type Make = (opt: SGD, lastEpoch?: number) => LRScheduler;

const schedules: [string, Make][] = [
  ["StepLR", (o, lastEpoch) => new StepLR(o, { stepSize: 3, gamma: 0.5, lastEpoch })],
  ["ExponentialLR", (o, lastEpoch) => new ExponentialLR(o, { gamma: 0.5, lastEpoch })],
  ["CosineAnnealingLR", (o, lastEpoch) => new CosineAnnealingLR(o, { tMax: 5, etaMin: 0.01, lastEpoch })],
  ["LinearLR", (o, lastEpoch) => new LinearLR(o, { startFactor: 0.25, totalIters: 5, lastEpoch })],
  ["LambdaLR", (o, lastEpoch) => new LambdaLR(o, { lrLambda: (e) => 1 / (1 + e), lastEpoch })],
  ["MultiStepLR", (o, lastEpoch) => new MultiStepLR(o, { milestones: [2, 5, 5], gamma: 0.5, lastEpoch })],
  [
    "OneCycleLR (three phases, momentum cycled)",
    (o, lastEpoch) => new OneCycleLR(o, { maxLr: [2, 0.3], totalSteps: 12, threePhase: true, lastEpoch }),
  ],
  [
    "CosineAnnealingWarmRestarts",
    (o, lastEpoch) => new CosineAnnealingWarmRestarts(o, { t0: 2, tMult: 2, etaMin: 0.01, lastEpoch }),
  ],
  [
    "SequentialLR (linear warm-up, then warm restarts)",
    (o, lastEpoch) =>
      new SequentialLR(o, {
        schedulers: [
          new LinearLR(o, { startFactor: 0.25, totalIters: 3 }),
          new CosineAnnealingWarmRestarts(o, { t0: 2, tMult: 2 }),
        ],
        milestones: [3],
        lastEpoch,
      }),
  ],
  [
    "SequentialLR (linear warm-up, then cosine)",
    (o, lastEpoch) =>
      new SequentialLR(o, {
        schedulers: [
          new LinearLR(o, { startFactor: 0.25, totalIters: 3 }),
          new CosineAnnealingLR(o, { tMax: 4 }),
        ],
        milestones: [3],
        lastEpoch,
      }),
  ],
];

const N = 12;
// Interruptions at the start, inside the warm-up, at and after a milestone, past tMax.
const stops = [0, 1, 2, 3, 5, 8];

describe.each(schedules)("resuming %s", (_, make) => {
  const uninterrupted = () => {
    const opt = optimizer();
    return epochs(opt, make(opt), N);
  };

  it.each(stops)("rebuilt with lastEpoch = %i continues with the next epoch", (k) => {
    const expected = uninterrupted();
    const before = optimizer();
    const s = make(before);
    for (let t = 0; t < k; t++) s.step();
    expect(s.lastEpoch).toBe(k);
    const opt = optimizer();
    opt.loadStateDict(before.stateDict());
    const rebuilt = make(opt, k);
    expect(rebuilt.lastEpoch).toBe(k + 1);
    expect(rebuilt.getLastLr()).toEqual(lrsOf(opt));
    expectSame(epochs(opt, rebuilt, N - k - 1), expected.slice(k + 1), k + 1);
  });

  it.each(stops)("restored from state dicts at epoch %i continues from it", (k) => {
    const expected = uninterrupted();
    const before = optimizer();
    const s = make(before);
    for (let t = 0; t < k; t++) s.step();
    const saved = JSON.parse(JSON.stringify({ opt: before.stateDict(), sched: s.stateDict() }));
    const opt = optimizer();
    const restored = make(opt);
    opt.loadStateDict(saved.opt);
    restored.loadStateDict(saved.sched);
    expect(restored.lastEpoch).toBe(k);
    expectSame(epochs(opt, restored, N - k), expected.slice(k), k);
  });
});

describe("resuming composed and plateau schedules", () => {
  it("StepLR and ExponentialLR on one optimizer, both rebuilt with lastEpoch, keep multiplying", () => {
    const both = (opt: SGD, lastEpoch?: number) => {
      const a = new StepLR(opt, { stepSize: 2, gamma: 0.5, lastEpoch });
      const b = new ExponentialLR(opt, { gamma: 0.9, lastEpoch });
      return {
        step() {
          a.step();
          b.step();
        },
      };
    };
    const full = optimizer();
    const expected = epochs(full, both(full), 8);
    const before = optimizer();
    const s = both(before);
    for (let t = 0; t < 3; t++) s.step();
    const opt = optimizer();
    opt.loadStateDict(before.stateDict());
    expectSame(epochs(opt, both(opt, 3), 4), expected.slice(4), 4);
  });

  it("ReduceLROnPlateau restored from state dicts reduces at the same epochs", () => {
    const metrics = [1, 0.9, 0.95, 0.95, 0.95, 0.8, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85];
    const make = (opt: SGD) => new ReduceLROnPlateau(opt, { factor: 0.5, patience: 1, cooldown: 1 });
    const run = (opt: SGD, s: ReduceLROnPlateau, ms: number[]) =>
      ms.map((m) => {
        s.step(m);
        return lrsOf(opt);
      });
    const full = optimizer();
    const expected = run(full, make(full), metrics);
    expect(expected.at(-1)![0]).toBeLessThan(0.25); // it did reduce, more than once
    for (const k of [2, 4, 7]) {
      const before = optimizer();
      const s = make(before);
      run(before, s, metrics.slice(0, k));
      const saved = JSON.parse(JSON.stringify({ opt: before.stateDict(), sched: s.stateDict() }));
      const opt = optimizer();
      const restored = make(opt);
      opt.loadStateDict(saved.opt);
      restored.loadStateDict(saved.sched);
      expectSame(run(opt, restored, metrics.slice(k)), expected.slice(k), k);
    }
  });
});
