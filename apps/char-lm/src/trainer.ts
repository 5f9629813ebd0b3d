import { crossEntropy } from "@nablajs/losses";
import { Adam, CosineAnnealingLR, clipGradsWithNorm } from "@nablajs/optim";
import { Generator, noGrad, reshape, type Tensor } from "@nablajs/tensor";
import { StreamBatches, sampleBatch, sequentialBatches, streamLength } from "./batches.js";
import { corpusTooSmall, type TrainConfig, withDefaults } from "./config.js";
import { splitCorpus, Vocab } from "./corpus.js";
import { DivergenceError, divergence, gradNorms } from "./health.js";
import { createModel, type LanguageModel, type LmState, type ModelConfig } from "./model.js";

export { defaultTrainConfig, type TrainConfig } from "./config.js";

/** What one optimisation step did. */
export interface StepResult {
  step: number;
  loss: number;
  /** The learning rate the step used. */
  lr: number;
  /** The global gradient norm before clipping. */
  gradNorm: number;
  /** Whether clipping scaled the gradients down (gradNorm > clip). */
  clipped: boolean;
  /** Each parameter tensor's gradient norm before clipping, by name. */
  gradNorms: Record<string, number>;
}

/** A validation result: mean cross-entropy in nats per character over `chars` predicted characters. */
export interface Evaluation {
  loss: number;
  chars: number;
}

/**
 * Trains a character model (a recurrent CharLM or a CharGPT) on a text: truncated BPTT over contiguous streams (or random windows), Adam with
 * a cosine learning rate over a step or time budget, global gradient clipping, cross-entropy on
 * next characters. Environment-free (used by the CLI and the web worker); checkpoint.ts saves it.
 */
export class Trainer {
  readonly vocab: Vocab;
  readonly model: LanguageModel;
  readonly optimizer: Adam;
  readonly config: TrainConfig;
  /** The learning rate follows a cosine from lr to lr * minLrRatio over the budget (see `progress`). */
  schedule!: CosineAnnealingLR;
  step = 0;
  /** Seconds spent on the run so far, kept by the caller; the budget of a run with `minutes`. */
  elapsed = 0;
  readonly history: { step: number; loss: number }[] = [];
  readonly valHistory: { step: number; loss: number }[] = [];
  /** The last losses, for divergence checks. */
  recent: number[] = [];
  /** The state carried from one stream batch to the next. */
  carry: LmState | undefined;
  readonly data: { train: Int32Array; val: Int32Array };
  readonly stream: StreamBatches | null;
  readonly batchRng: Generator;
  /** Initialises the model, then draws its dropout masks: part of the state a resume restores. */
  readonly modelRng: Generator;

  constructor(text: string, config: Partial<TrainConfig> = {}, vocab?: Vocab) {
    this.config = withDefaults(config);
    if (this.config.cell === "transformer" && this.config.batching === "stream")
      throw new Error(
        "Trainer: a Transformer carries no state from one chunk to the next, so it trains on random windows (batching: random), not streams",
      );
    this.vocab = vocab ?? Vocab.fromText(text);
    const ids = this.vocab.encode(text);
    const small = corpusTooSmall(ids.length, this.config);
    if (small !== null) throw new Error(`Trainer: ${small}`);
    this.data = splitCorpus(ids, this.config.valFraction);
    this.modelRng = new Generator(this.config.seed);
    this.batchRng = new Generator(this.config.seed + 1);
    this.model = createModel(this.modelConfig(), { generator: this.modelRng });
    this.optimizer = new Adam(this.model.parameters(), { lr: this.config.lr });
    const { seqLen, batchSize, batching } = this.config;
    this.stream =
      batching === "stream" ? new StreamBatches(this.data.train, seqLen, batchSize, this.batchRng) : null;
    this.setBudget(this.config);
  }

  modelConfig(): ModelConfig {
    return modelConfigOf(this.config, this.vocab.size);
  }

  /** Sets the budget (a number of steps, or minutes when > 0) that the run and its cosine span. */
  setBudget({ steps, minutes }: Pick<TrainConfig, "steps" | "minutes">): void {
    Object.assign(this.config, { steps, minutes });
    const { lr, minLrRatio } = this.config;
    const tMax = minutes > 0 ? minutes * 60 : steps;
    this.schedule = new CosineAnnealingLR(this.optimizer, { tMax, etaMin: lr * minLrRatio });
    this.schedule.baseLrs = [lr];
  }

  /** How much of the budget is spent, in [0, 1]. */
  progress(): number {
    const { minutes, steps } = this.config;
    return Math.min(1, minutes > 0 ? this.elapsed / (minutes * 60) : this.step / steps);
  }

  /** Whether the budget is spent. */
  done(): boolean {
    return this.progress() >= 1;
  }

  /** Sets the learning rate for the budget spent (the cosine's closed form) and returns it. */
  currentLr(): number {
    this.schedule.updateLr(this.progress() * this.schedule.tMax);
    return this.optimizer.paramGroups[0]!.lr;
  }

  /** One optimisation step; throws a DivergenceError, before updating, when training has blown up. */
  trainStep(): StepResult {
    const { seqLen, batchSize, clip } = this.config;
    const lr = this.currentLr();
    this.model.train();
    let state: LmState | undefined;
    let batch: { x: Tensor; y: Tensor };
    if (this.stream !== null) {
      const b = this.stream.next();
      state = b.fresh ? undefined : this.carry;
      batch = b;
    } else {
      batch = sampleBatch(this.data.train, seqLen, batchSize, this.batchRng);
    }
    const out = this.model.forward(batch.x, state);
    const loss = crossEntropy(reshape(out.logits, [seqLen * batchSize, -1]), reshape(batch.y, [-1]));
    this.optimizer.zeroGrad();
    loss.backward();
    const value = loss.item();
    const norms = gradNorms(this.model.namedParameters());
    const recent = [...this.recent, value].slice(-10);
    const why = divergence(value, norms.total, recent, this.vocab.size);
    if (why !== null) throw new DivergenceError(this.step + 1, why, lr);
    // The norms just logged give the total: the gradients are read once, not twice.
    clipGradsWithNorm(this.model.parameters(), clip, norms.total);
    this.optimizer.step();
    if (this.stream !== null) this.carry = detachState(out.state);
    this.step++;
    this.recent = recent;
    this.history.push({ step: this.step, loss: value });
    return {
      step: this.step,
      loss: value,
      lr,
      gradNorm: norms.total,
      clipped: clip / (norms.total + 1e-6) < 1,
      gradNorms: norms.perParam,
    };
  }

  /**
   * Mean cross-entropy (nats per character) over the validation tail, read as contiguous streams
   * with the state carried from window to window (each character predicted from all the text of
   * its stream before it), over at most `maxBatches` batches.
   */
  evaluate(maxBatches = Number.POSITIVE_INFINITY): Evaluation {
    this.model.eval();
    const { seqLen } = this.config;
    const batchSize = Math.min(this.config.batchSize, streamLength(this.data.val.length, seqLen));
    let total = 0;
    let n = 0;
    noGrad(() => {
      let state: LmState | undefined;
      for (const { x, y } of sequentialBatches(this.data.val, seqLen, batchSize)) {
        if (n >= maxBatches) break;
        const out = this.model.forward(x, state);
        state = out.state;
        total += crossEntropy(reshape(out.logits, [seqLen * batchSize, -1]), reshape(y, [-1])).item();
        n++;
      }
    });
    const loss = total / n;
    this.valHistory.push({ step: this.step, loss });
    return { loss, chars: n * seqLen * batchSize };
  }
}

function detachState(s: LmState): LmState {
  return s.c === undefined ? { h: s.h.detach() } : { h: s.h.detach(), c: s.c.detach() };
}

/** The model a training configuration describes (a Transformer's context is the window length). */
export function modelConfigOf(c: TrainConfig, vocabSize: number): ModelConfig {
  const { cell, embedDim, hiddenSize, numLayers, dropout, heads, tieWeights, seqLen } = c;
  return { vocabSize, cell, embedDim, hiddenSize, numLayers, dropout, heads, tieWeights, maxLen: seqLen };
}
