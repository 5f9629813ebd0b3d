import { Optimizer } from "../optimizer.js";

/** A scheduler's progress, for checkpoints: restore it with `loadStateDict`. */
export interface SchedulerState {
  lastEpoch: number;
  stepCount: number;
  baseLrs: number[];
  lastLr: number[];
}

/** Throws unless `value` is an integer >= `min`. */
export function checkInteger(op: string, what: string, value: unknown, min: number): void {
  if (!Number.isInteger(value) || (value as number) < min) {
    throw new Error(`${op}: ${what} must be an integer >= ${min}, got ${value}`);
  }
}

/**
 * The base of the epoch-indexed learning-rate schedules, as torch.optim.lr_scheduler.LRScheduler:
 * the constructor records each group's `initialLr` and takes the first step (epoch 0); each
 * `step()` advances one epoch and writes every group's `lr`. Subclasses give the chainable rule
 * (the next lr from the current one, so schedules compose) and, where one exists, the closed form.
 *
 * To resume, either restore `stateDict()` with `loadStateDict`, or build the schedule with
 * `lastEpoch` set to the saved schedule's `lastEpoch` on an optimizer whose state dict (its `lr`
 * and `initialLr`) was restored: the constructor's step then moves to epoch `lastEpoch + 1`, as
 * `step()` on the saved schedule would have, for every schedule. (Recent PyTorch keeps the lr on
 * that first step for ExponentialLR, LinearLR and CosineAnnealingLR but not for StepLR, so one
 * `last_epoch` cannot resume both; we keep its earlier rule, the same for all.)
 */
export abstract class LRScheduler {
  readonly optimizer: Optimizer<any, any>;
  /** The learning rates the schedule starts from (each group's `initialLr`). */
  baseLrs: number[];
  /** The epoch of the current learning rates (0 after construction). */
  lastEpoch: number;
  protected stepCount = 0;
  protected lastLr: number[] = [];

  constructor(optimizer: Optimizer<any, any>, lastEpoch: number, name: string) {
    if (!(optimizer instanceof Optimizer))
      throw new Error(`${name}: expected an Optimizer, got ${typeof optimizer}`);
    checkInteger(name, "lastEpoch", lastEpoch, -1);
    this.optimizer = optimizer;
    const groups = optimizer.paramGroups;
    groups.forEach((g, i) => {
      if (lastEpoch === -1) g.initialLr ??= g.lr;
      else if (g.initialLr === undefined) {
        throw new Error(
          `${name}: paramGroups[${i}] has no initialLr to resume from (lastEpoch ${lastEpoch})`,
        );
      }
    });
    this.baseLrs = groups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
  }

  /** The chainable rule: each group's lr at `lastEpoch` from its current lr. */
  protected abstract computeLr(): number[];

  /** The closed form at `lastEpoch` (used when jumping to an epoch); defaults to the chainable rule. */
  protected closedFormLr(): number[] {
    return this.computeLr();
  }

  /** Each group's current learning rate. */
  protected groupLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr as number);
  }

  /** Takes the first step, from the constructor (or from SequentialLR). */
  initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** Advances one epoch and sets each group's learning rate. */
  step(): void {
    this.stepCount += 1;
    this.updateLr();
  }

  /** Sets the learning rates of the next epoch, or of `epoch` by the closed form when given. */
  updateLr(epoch?: number): void {
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch += 1;
      values = this.computeLr();
    } else {
      this.lastEpoch = epoch;
      values = this.closedFormLr();
    }
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = values[i]!;
    });
    this.lastLr = this.groupLrs();
  }

  /** The learning rates set by the last step, one per group. */
  getLastLr(): number[] {
    return this.lastLr.slice();
  }

  /** The progress of the schedule, to save in a checkpoint. */
  stateDict(): SchedulerState {
    const { lastEpoch, stepCount } = this;
    return { lastEpoch, stepCount, baseLrs: this.baseLrs.slice(), lastLr: this.lastLr.slice() };
  }

  /** Restores the progress saved by `stateDict()` (build the scheduler with the same options first). */
  loadStateDict(state: SchedulerState): void {
    this.lastEpoch = state.lastEpoch;
    this.stepCount = state.stepCount;
    this.baseLrs = state.baseLrs.slice();
    this.lastLr = state.lastLr.slice();
  }
}
