import type { Optimizer } from "../optimizer.js";
import { LRScheduler, type SchedulerState } from "./lr-scheduler.js";

/** Undoes the first step each scheduler took when it was built (nested SequentialLRs too). */
function undoInitialStep(s: LRScheduler): void {
  if (s instanceof SequentialLR) for (const inner of s.schedulers) undoInitialStep(inner);
  else s.lastEpoch -= 1;
}

/**
 * Runs schedules one after another, as torch's SequentialLR: `schedulers[i]` drives epochs from
 * `milestones[i - 1]` on, restarting from its own epoch 0 (closed form) at its milestone. A
 * warm-up then a decay: `new SequentialLR(opt, { schedulers: [warmup, cosine], milestones: [5] })`.
 * Built with `lastEpoch` (to resume), it jumps to epoch `lastEpoch + 1` by the closed form of the
 * schedule active then (torch restarts the first schedule instead).
 */
export class SequentialLR extends LRScheduler {
  readonly schedulers: LRScheduler[];
  readonly milestones: number[];

  constructor(
    optimizer: Optimizer<any, any>,
    opts: { schedulers: LRScheduler[]; milestones: number[]; lastEpoch?: number },
  ) {
    super(optimizer, opts?.lastEpoch ?? -1, "SequentialLR");
    const { schedulers, milestones } = opts;
    if (!Array.isArray(schedulers) || schedulers.length < 1) {
      throw new Error("SequentialLR: expects at least one scheduler");
    }
    schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler))
        throw new Error(`SequentialLR: schedulers[${i}] is not an epoch schedule`);
      if (s.optimizer !== optimizer) {
        throw new Error(`SequentialLR: schedulers[${i}] belongs to a different optimizer`);
      }
    });
    if (!Array.isArray(milestones) || milestones.length !== schedulers.length - 1) {
      throw new Error(
        `SequentialLR: expects one milestone fewer than schedulers, got ${schedulers.length} schedulers and ${milestones?.length} milestones`,
      );
    }
    milestones.forEach((m, i) => {
      if (!Number.isInteger(m) || m < 1 || (i > 0 && m <= milestones[i - 1]!)) {
        throw new Error(
          `SequentialLR: milestones must be increasing positive integers, got [${milestones.join(", ")}]`,
        );
      }
    });
    this.schedulers = schedulers;
    this.milestones = milestones.slice();
    this.lastEpoch += 1;
    for (const g of optimizer.paramGroups) g.lr = g.initialLr!;
    for (const s of schedulers) undoInitialStep(s);
    schedulers[0]!.initialStep();
    this.lastLr = schedulers[0]!.getLastLr();
    if (this.lastEpoch > 0) this.updateLr(this.lastEpoch);
  }

  /** The schedule that drives `epoch` and the epoch at which it started. */
  private active(epoch: number): [LRScheduler, number] {
    const idx = this.milestones.filter((m) => m <= epoch).length; // bisect right
    return [this.schedulers[idx]!, idx > 0 ? this.milestones[idx - 1]! : 0];
  }

  protected computeLr(): number[] {
    return this.groupLrs();
  }

  override step(): void {
    this.lastEpoch += 1;
    const [s, start] = this.active(this.lastEpoch);
    if (start > 0 && start === this.lastEpoch) s.updateLr(0);
    else s.step();
    this.lastLr = s.getLastLr();
  }

  /** Jumps to `epoch` (the next one when omitted) by the closed form of the schedule active then. */
  override updateLr(epoch = this.lastEpoch + 1): void {
    this.lastEpoch = epoch;
    const [s, start] = this.active(epoch);
    s.updateLr(epoch - start);
    this.lastLr = s.getLastLr();
  }

  override stateDict(): SchedulerState & { schedulers: SchedulerState[] } {
    return { ...super.stateDict(), schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  override loadStateDict(state: SchedulerState & { schedulers?: SchedulerState[] }): void {
    super.loadStateDict(state);
    state.schedulers?.forEach((s, i) => {
      this.schedulers[i]?.loadStateDict(s);
    });
  }
}
