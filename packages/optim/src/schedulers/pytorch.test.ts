import { zeros } from "@nablajs/tensor";
import { loadFixture } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { Adam } from "../adam.js";
import type { Optimizer } from "../optimizer.js";
import { SGD } from "../sgd.js";
import { CosineAnnealingWarmRestarts } from "./cosine-annealing-warm-restarts.js";
import { LambdaLR, type LrLambda } from "./lambda-lr.js";
import type { LRScheduler } from "./lr-scheduler.js";
import { MultiStepLR } from "./multi-step-lr.js";
import { OneCycleLR } from "./one-cycle-lr.js";

// The functions of generate_optim2.py's LAMBDAS.
const lambdas: Record<string, LrLambda> = {
  "exp0.9": (e) => 0.9 ** e,
  inverse: (e) => 1 / (1 + 0.5 * e),
  warmup5: (e) => Math.min(1, (e + 1) / 5),
};

/** The fixture's optimizer: SGD(lr=0.1, momentum=0.9) or Adam(lr=0.1, betas=(0.9, 0.99)), one group per lr. */
export function fixtureOptimizer(kind: string, lrs: number[]): Optimizer<any, any> {
  const groups = lrs.map((lr) => ({ params: [zeros([1])], lr }));
  return kind === "sgd"
    ? new SGD(groups, { lr: 0.1, momentum: 0.9 })
    : new Adam(groups, { lr: 0.1, betas: [0.9, 0.99] });
}

/** The schedule of a fixture case on `opt`. */
export function fixtureSchedule(c: any, opt: Optimizer<any, any>, lastEpoch?: number): LRScheduler {
  const k = c.kwargs;
  switch (c.scheduler) {
    case "LambdaLR": {
      const f = Array.isArray(k.lrLambda) ? k.lrLambda.map((n: string) => lambdas[n]!) : lambdas[k.lrLambda]!;
      return new LambdaLR(opt, { lrLambda: f, lastEpoch });
    }
    case "MultiStepLR":
      return new MultiStepLR(opt, { ...k, lastEpoch });
    case "OneCycleLR":
      return new OneCycleLR(opt, { ...k, lastEpoch });
    case "CosineAnnealingWarmRestarts":
      return new CosineAnnealingWarmRestarts(opt, { ...k, lastEpoch });
  }
  throw new Error(`unknown scheduler ${c.scheduler}`);
}

const momentaOf = (opt: Optimizer<any, any>, kind: string) =>
  opt.paramGroups.map((g: any) => (kind === "sgd" ? g.momentum : g.betas));

describe("schedules against PyTorch (schedulers.json)", () => {
  it.each(loadFixture("schedulers").cases.map((c: any) => [c.name, c]))("%s", (_, c: any) => {
    const opt = fixtureOptimizer(c.optimizer, c.groups);
    const s = fixtureSchedule(c, opt);
    c.lrs.forEach((expected: number[], k: number) => {
      if (k > 0) {
        if (c.epochs === undefined) s.step();
        else (s as CosineAnnealingWarmRestarts).step(c.epochs[k - 1]);
      }
      const got = opt.paramGroups.map((g) => g.lr);
      expected.forEach((lr, i) => {
        expect(Math.abs(got[i]! - lr), `step ${k}, group ${i}: ${got[i]} vs ${lr}`).toBeLessThanOrEqual(
          1e-15 + 1e-13 * Math.abs(lr),
        );
      });
      expect(s.getLastLr()).toEqual(got);
      if (c.momenta !== undefined) {
        const m = momentaOf(opt, c.optimizer);
        c.momenta[k].forEach((e: number | number[], i: number) => {
          const a = [m[i]].flat() as number[];
          const b = [e].flat();
          a.forEach((v, j) => {
            expect(v, `step ${k}, group ${i} momentum`).toBeCloseTo(b[j]!, 14);
          });
        });
      }
    });
  });
});

describe("new schedules: details and errors", () => {
  it("OneCycleLR refuses to step past totalSteps, as PyTorch", () => {
    const opt = fixtureOptimizer("sgd", [0.1]);
    const s = new OneCycleLR(opt, { maxLr: 1, totalSteps: 3 });
    for (let k = 0; k < 3; k++) s.step(); // epochs 1..3 (step 3 = totalSteps is allowed)
    expect(() => s.step()).toThrow(
      "OneCycleLR: tried to step 5 times; the specified number of total steps is 3",
    );
  });

  it("CosineAnnealingWarmRestarts restarts at every epoch t0 (1 + tMult + ...) when stepped one epoch at a time", () => {
    const opt = fixtureOptimizer("sgd", [1]);
    const s = new CosineAnnealingWarmRestarts(opt, { t0: 1, tMult: 3 });
    const restarts: number[] = [];
    for (let e = 1; e <= 130; e++) {
      s.step();
      if (opt.paramGroups[0]!.lr === 1) restarts.push(e);
    }
    expect(restarts).toEqual([1, 4, 13, 40, 121]);
    const jump = new CosineAnnealingWarmRestarts(fixtureOptimizer("sgd", [1]), { t0: 1, tMult: 3 });
    jump.step(121); // PyTorch's log(243, 3) = 4.999... misses this restart
    expect(jump.getLastLr()).toEqual([1]);
    expect([jump.tCur, jump.tI]).toEqual([0, 243]);
  });

  it("rejects bad options", () => {
    const opt = fixtureOptimizer("sgd", [0.1, 0.2]);
    const cases: [() => unknown, string][] = [
      [() => new LambdaLR(opt, { lrLambda: [(e) => e] }), "LambdaLR: expected 2 lrLambdas, got 1"],
      [
        () => new LambdaLR(opt, { lrLambda: 3 as never }),
        "LambdaLR: lrLambda must be a function, got number",
      ],
      [
        () => new MultiStepLR(opt, { milestones: [1, 2.5] }),
        "MultiStepLR: milestones must be an array of integers >= 0, got [1, 2.5]",
      ],
      [
        () => new MultiStepLR(opt, { milestones: [1], gamma: 0 }),
        "MultiStepLR: gamma must be a positive number, got 0",
      ],
      [
        () => new OneCycleLR(opt, { maxLr: 1 }),
        "OneCycleLR: give either totalSteps or both epochs and stepsPerEpoch",
      ],
      [
        () => new OneCycleLR(opt, { maxLr: 1, totalSteps: 0 }),
        "OneCycleLR: totalSteps must be a positive integer, got 0",
      ],
      [
        () => new OneCycleLR(opt, { maxLr: 1, epochs: 2, stepsPerEpoch: 1.5 }),
        "OneCycleLR: stepsPerEpoch must be a positive integer, got 1.5",
      ],
      [
        () => new OneCycleLR(opt, { maxLr: 1, totalSteps: 10, pctStart: 1.2 }),
        "OneCycleLR: pctStart must be a number in [0, 1], got 1.2",
      ],
      [
        () => new OneCycleLR(opt, { maxLr: 1, totalSteps: 10, pctStart: 0.1 }),
        "OneCycleLR: pctStart * totalSteps must not be 1 (a warm-up of no steps), got 0.1 * 10",
      ],
      [
        () => new OneCycleLR(opt, { maxLr: 1, totalSteps: 10, annealStrategy: "exp" as never }),
        'OneCycleLR: annealStrategy must be "cos" or "linear", got "exp"',
      ],
      [
        () => new OneCycleLR(opt, { maxLr: [1, 2, 3], totalSteps: 10 }),
        "OneCycleLR: expected 2 values for maxLr, got 3",
      ],
      [
        () => new OneCycleLR(opt, { maxLr: -1, totalSteps: 10 }),
        "OneCycleLR: maxLr must be a positive number, got -1",
      ],
      [
        () => new OneCycleLR(opt, { maxLr: 1, totalSteps: 10, divFactor: 0 }),
        "OneCycleLR: divFactor must be a positive number, got 0",
      ],
      [
        () => new OneCycleLR(fixtureOptimizer("sgd", [0.1]), { maxLr: 1, totalSteps: 10, lastEpoch: 3 }),
        "OneCycleLR: paramGroups[0] has no initialLr to resume from (lastEpoch 3)",
      ],
      [
        () => new CosineAnnealingWarmRestarts(opt, { t0: 0 }),
        "CosineAnnealingWarmRestarts: t0 must be an integer >= 1, got 0",
      ],
      [
        () => new CosineAnnealingWarmRestarts(opt, { t0: 2, tMult: 1.5 }),
        "CosineAnnealingWarmRestarts: tMult must be an integer >= 1, got 1.5",
      ],
      [
        () => new CosineAnnealingWarmRestarts(opt, { t0: 2 }).step(-1),
        "CosineAnnealingWarmRestarts: expected a finite epoch >= 0, got -1",
      ],
    ];
    for (const [make, message] of cases) expect(make).toThrow(message);
  });
});
