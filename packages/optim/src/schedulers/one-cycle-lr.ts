import { Optimizer } from "../optimizer.js";
import { LRScheduler } from "./lr-scheduler.js";

/** Options of `OneCycleLR` (torch's, in camelCase). */
export interface OneCycleLROptions {
  /** The peak learning rate, one for all groups or one per group. */
  maxLr: number | number[];
  /** Steps in the cycle; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent raising the lr (default 0.3). */
  pctStart?: number;
  /** `"cos"` (default) or `"linear"` annealing. */
  annealStrategy?: "cos" | "linear";
  /** Cycle SGD's momentum or Adam's beta1 inversely to the lr (default true). */
  cycleMomentum?: boolean;
  /** Lowest momentum, at the peak lr (default 0.85). */
  baseMomentum?: number | number[];
  /** Highest momentum, at the start and end (default 0.95). */
  maxMomentum?: number | number[];
  /** initial lr = maxLr / divFactor (default 25). */
  divFactor?: number;
  /** min lr = initial lr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** Three phases (up, back down to the initial lr, then to min lr) instead of two (default false). */
  threePhase?: boolean;
  lastEpoch?: number;
}

interface Phase {
  endStep: number;
  startLr: string;
  endLr: string;
  startMomentum: string;
  endMomentum: string;
}

type Group = Record<string, any>;

function perGroup(name: string, opt: Optimizer<any, any>, v: number | number[]): number[] {
  const n = opt.paramGroups.length;
  if (Array.isArray(v)) {
    if (v.length !== n) throw new Error(`OneCycleLR: expected ${n} values for ${name}, got ${v.length}`);
    return v.slice();
  }
  return new Array<number>(n).fill(v);
}

function positiveInt(what: string, v: unknown): number {
  if (!Number.isInteger(v) || (v as number) <= 0)
    throw new Error(`OneCycleLR: ${what} must be a positive integer, got ${v}`);
  return v as number;
}

/**
 * The 1cycle policy, as torch's OneCycleLR: the lr rises from `maxLr / divFactor` to `maxLr`
 * over `pctStart` of `totalSteps`, then anneals to `maxLr / (divFactor finalDivFactor)` (with
 * `threePhase`, first back down to the initial lr, symmetrically, then to the minimum), by
 * `cos` (`end + (start - end) (1 + cos(pi p)) / 2`) or `linear` (`start + (end - start) p`)
 * annealing, `p` the fraction of the phase done. With `cycleMomentum`, SGD's `momentum` (or
 * Adam's `beta1`) moves the opposite way between `maxMomentum` and `baseMomentum`. Call `step()`
 * after every batch; stepping past `totalSteps` is an error. The group options `initialLr`,
 * `maxLr`, `minLr`, `maxMomentum` and `baseMomentum` are set on the optimizer (so its state dict
 * carries them). Smith & Topin 2017, https://arxiv.org/abs/1708.07120
 */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  readonly annealStrategy: "cos" | "linear";
  readonly cycleMomentum: boolean;
  /** Whether the momentum cycled is Adam's beta1 (`betas[0]`) rather than `momentum`. */
  readonly useBeta1: boolean;
  private readonly phases: Phase[];

  constructor(optimizer: Optimizer<any, any>, opts: OneCycleLROptions) {
    const o = prepare(optimizer, opts);
    super(optimizer, opts.lastEpoch ?? -1, "OneCycleLR");
    this.totalSteps = o.totalSteps;
    this.annealStrategy = o.annealStrategy;
    this.cycleMomentum = o.cycleMomentum;
    this.useBeta1 = o.useBeta1;
    this.phases = o.phases;
    this.initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === "linear") return (end - start) * pct + start;
    const cosOut = Math.cos(Math.PI * pct) + 1;
    return end + ((start - end) / 2) * cosOut;
  }

  protected computeLr(): number[] {
    const step = this.lastEpoch;
    if (step > this.totalSteps) {
      throw new Error(
        `OneCycleLR: tried to step ${step + 1} times; the specified number of total steps is ${this.totalSteps}`,
      );
    }
    return this.optimizer.paramGroups.map((group: Group) => {
      let start = 0;
      let lr = 0;
      let momentum = 0;
      for (const [i, phase] of this.phases.entries()) {
        if (step <= phase.endStep || i === this.phases.length - 1) {
          const pct = (step - start) / (phase.endStep - start);
          lr = this.anneal(group[phase.startLr], group[phase.endLr], pct);
          momentum = this.anneal(group[phase.startMomentum], group[phase.endMomentum], pct);
          break;
        }
        start = phase.endStep;
      }
      if (this.cycleMomentum) {
        if (this.useBeta1) group.betas = [momentum, ...group.betas.slice(1)];
        else group.momentum = momentum;
      }
      return lr;
    });
  }
}

/** Validates the options and, on a fresh start, writes the cycle's bounds into the groups. */
function prepare(optimizer: Optimizer<any, any>, opts: OneCycleLROptions) {
  if (!(optimizer instanceof Optimizer))
    throw new Error(`OneCycleLR: expected an Optimizer, got ${typeof optimizer}`);
  if (typeof opts !== "object" || opts === null) throw new Error("OneCycleLR: expected options with maxLr");
  const {
    pctStart = 0.3,
    annealStrategy = "cos",
    cycleMomentum = true,
    divFactor = 25,
    finalDivFactor = 1e4,
    threePhase = false,
    lastEpoch = -1,
  } = opts;
  let totalSteps: number;
  if (opts.totalSteps !== undefined) totalSteps = positiveInt("totalSteps", opts.totalSteps);
  else if (opts.epochs === undefined || opts.stepsPerEpoch === undefined) {
    throw new Error("OneCycleLR: give either totalSteps or both epochs and stepsPerEpoch");
  } else totalSteps = positiveInt("epochs", opts.epochs) * positiveInt("stepsPerEpoch", opts.stepsPerEpoch);
  if (typeof pctStart !== "number" || !(pctStart >= 0 && pctStart <= 1))
    throw new Error(`OneCycleLR: pctStart must be a number in [0, 1], got ${pctStart}`);
  if (pctStart * totalSteps === 1) {
    // NOTE: the warm-up would end at step 0, where its fraction is 0/0 (PyTorch divides by zero).
    throw new Error(
      `OneCycleLR: pctStart * totalSteps must not be 1 (a warm-up of no steps), got ${pctStart} * ${totalSteps}`,
    );
  }
  if (annealStrategy !== "cos" && annealStrategy !== "linear")
    throw new Error(
      `OneCycleLR: annealStrategy must be "cos" or "linear", got ${JSON.stringify(annealStrategy)}`,
    );
  for (const [what, v] of [
    ["divFactor", divFactor],
    ["finalDivFactor", finalDivFactor],
  ] as const) {
    if (typeof v !== "number" || !(v > 0))
      throw new Error(`OneCycleLR: ${what} must be a positive number, got ${v}`);
  }
  const up = {
    endStep: pctStart * totalSteps - 1,
    startLr: "initialLr",
    endLr: "maxLr",
    startMomentum: "maxMomentum",
    endMomentum: "baseMomentum",
  };
  const phases: Phase[] = threePhase
    ? [
        up,
        {
          endStep: 2 * pctStart * totalSteps - 2,
          startLr: "maxLr",
          endLr: "initialLr",
          startMomentum: "baseMomentum",
          endMomentum: "maxMomentum",
        },
        {
          endStep: totalSteps - 1,
          startLr: "initialLr",
          endLr: "minLr",
          startMomentum: "maxMomentum",
          endMomentum: "maxMomentum",
        },
      ]
    : [
        up,
        {
          endStep: totalSteps - 1,
          startLr: "maxLr",
          endLr: "minLr",
          startMomentum: "baseMomentum",
          endMomentum: "maxMomentum",
        },
      ];

  const groups = optimizer.paramGroups as Group[];
  const maxLrs = perGroup("maxLr", optimizer, opts.maxLr);
  maxLrs.forEach((v) => {
    if (typeof v !== "number" || !(v > 0))
      throw new Error(`OneCycleLR: maxLr must be a positive number, got ${v}`);
  });
  const useBeta1 = "betas" in optimizer.defaults;
  let momenta: [number[], number[]] | null = null;
  if (cycleMomentum) {
    if (!("momentum" in optimizer.defaults) && !useBeta1) {
      throw new Error("OneCycleLR: cycleMomentum needs an optimizer with a momentum or betas option");
    }
    momenta = [
      perGroup("maxMomentum", optimizer, opts.maxMomentum ?? 0.95),
      perGroup("baseMomentum", optimizer, opts.baseMomentum ?? 0.85),
    ];
  }
  const keys = ["initialLr", "maxLr", "minLr", ...(cycleMomentum ? ["maxMomentum", "baseMomentum"] : [])];
  if (lastEpoch === -1) {
    groups.forEach((g, i) => {
      g.initialLr = maxLrs[i]! / divFactor;
      g.maxLr = maxLrs[i]!;
      g.minLr = g.initialLr / finalDivFactor;
      if (momenta !== null) {
        const [maxM, baseM] = [momenta[0][i]!, momenta[1][i]!];
        if (useBeta1) g.betas = [maxM, ...g.betas.slice(1)];
        else g.momentum = maxM;
        g.maxMomentum = maxM;
        g.baseMomentum = baseM;
      }
    });
  } else {
    groups.forEach((g, i) => {
      const missing = keys.find((k) => g[k] === undefined);
      if (missing !== undefined)
        throw new Error(
          `OneCycleLR: paramGroups[${i}] has no ${missing} to resume from (lastEpoch ${lastEpoch})`,
        );
    });
  }
  return { totalSteps, annealStrategy, cycleMomentum, useBeta1, phases };
}
