import { crossEntropy } from "@nablajs/losses";
import { Adam, CosineAnnealingLR, clipGradNorm } from "@nablajs/optim";
import { Generator, noGrad, reshape, type Tensor } from "@nablajs/tensor";
import { sampleBatch, sequentialBatches } from "./batches.js";
import { splitCorpus, Vocab } from "./corpus.js";
import { CharLM, type ModelConfig } from "./model.js";
import { packState, unpackState } from "./state-pack.js";

/** Everything that defines a training run; the defaults train a useful model in minutes. */
export interface TrainConfig {
  embedDim: number;
  hiddenSize: number;
  numLayers: number;
  dropout: number;
  batchSize: number;
  seqLen: number;
  steps: number;
  lr: number;
  /** The learning rate decays along a cosine to lr * minLrRatio by the last step. */
  minLrRatio: number;
  clip: number;
  seed: number;
  valFraction: number;
}

export const defaultTrainConfig: TrainConfig = {
  embedDim: 64,
  hiddenSize: 256,
  numLayers: 1,
  dropout: 0,
  batchSize: 32,
  seqLen: 64,
  steps: 1500,
  lr: 3e-3,
  minLrRatio: 0.1,
  clip: 5,
  seed: 1337,
  valFraction: 0.1,
};

export interface StepResult {
  step: number;
  loss: number;
  gradNorm: number;
  lr: number;
}

/** A checkpoint: every tensor (weights, optimizer state) plus JSON metadata. */
export interface Checkpoint {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

/**
 * Trains a CharLM on a text: random windows, Adam with a cosine learning rate, global gradient
 * clipping, cross-entropy on next characters. Environment-free (used by the CLI and the web worker).
 */
export class Trainer {
  readonly vocab: Vocab;
  readonly model: CharLM;
  readonly optimizer: Adam;
  /** The learning rate decays along a cosine from lr to lr * minLrRatio over the run. */
  readonly schedule: CosineAnnealingLR;
  readonly config: TrainConfig;
  step = 0;
  readonly history: { step: number; loss: number }[] = [];
  readonly valHistory: { step: number; loss: number }[] = [];
  private readonly data: { train: Int32Array; val: Int32Array };
  private readonly batchRng: Generator;
  /** Initialises the model, then draws its dropout masks: part of the state a resume restores. */
  private readonly modelRng: Generator;

  constructor(text: string, config: Partial<TrainConfig> = {}, vocab?: Vocab) {
    this.config = { ...defaultTrainConfig, ...config };
    this.vocab = vocab ?? Vocab.fromText(text);
    this.data = splitCorpus(this.vocab.encode(text), this.config.valFraction);
    this.modelRng = new Generator(this.config.seed);
    this.batchRng = new Generator(this.config.seed + 1);
    this.model = new CharLM(this.modelConfig(), { generator: this.modelRng });
    this.optimizer = new Adam(this.model.parameters(), { lr: this.config.lr });
    const { lr, minLrRatio, steps } = this.config;
    this.schedule = new CosineAnnealingLR(this.optimizer, {
      tMax: Math.max(1, steps),
      etaMin: lr * minLrRatio,
    });
  }

  modelConfig(): ModelConfig {
    const { embedDim, hiddenSize, numLayers, dropout } = this.config;
    return { vocabSize: this.vocab.size, embedDim, hiddenSize, numLayers, dropout };
  }

  /** One optimisation step on a fresh random batch. */
  trainStep(): StepResult {
    const { seqLen, batchSize, clip } = this.config;
    this.model.train();
    const { x, y } = sampleBatch(this.data.train, seqLen, batchSize, this.batchRng);
    const { logits } = this.model.forward(x);
    const loss = crossEntropy(reshape(logits, [seqLen * batchSize, -1]), reshape(y, [-1]));
    this.optimizer.zeroGrad();
    loss.backward();
    const gradNorm = clipGradNorm(this.model.parameters(), clip);
    const lr = this.optimizer.paramGroups[0]!.lr;
    this.optimizer.step();
    this.schedule.step();
    this.step++;
    const value = loss.item();
    this.history.push({ step: this.step, loss: value });
    return { step: this.step, loss: value, gradNorm, lr };
  }

  /** Mean cross-entropy (nats per character) over up to `maxBatches` consecutive validation batches. */
  evaluate(maxBatches = 20): number {
    this.model.eval();
    const { seqLen, batchSize } = this.config;
    let total = 0;
    let n = 0;
    noGrad(() => {
      for (const { x, y } of sequentialBatches(this.data.val, seqLen, batchSize)) {
        if (n >= maxBatches) break;
        const { logits } = this.model.forward(x);
        total += crossEntropy(reshape(logits, [seqLen * batchSize, -1]), reshape(y, [-1])).item();
        n++;
      }
    });
    const loss = n > 0 ? total / n : Number.NaN;
    this.valHistory.push({ step: this.step, loss });
    return loss;
  }

  /** Everything needed to resume exactly: weights, optimizer state, data position, history. */
  checkpoint(): Checkpoint {
    const optim = packState(this.optimizer.stateDict(), "optim");
    const tensors: Record<string, Tensor> = { ...optim.tensors };
    for (const [k, v] of Object.entries(this.model.stateDict())) tensors[`model.${k}`] = v;
    const meta = {
      config: this.config,
      vocab: this.vocab.chars.join(""),
      step: this.step,
      schedule: this.schedule.stateDict(),
      batchRng: this.batchRng.getState(),
      modelRng: this.modelRng.getState(),
      history: this.history,
      valHistory: this.valHistory,
    };
    const metadata = {
      format: "nabla-char-lm/1",
      state: JSON.stringify(packState(meta, "meta").json),
      optim: JSON.stringify(optim.json),
    };
    return { tensors, metadata };
  }

  /** Rebuilds a trainer from a checkpoint and the same text; training continues where it stopped. */
  static fromCheckpoint(text: string, ckpt: Checkpoint): Trainer {
    const { format, state, optim } = ckpt.metadata;
    if (format !== "nabla-char-lm/1" || typeof state !== "string" || typeof optim !== "string") {
      throw new Error(`checkpoint: not a nabla char-lm checkpoint (format ${format})`);
    }
    const meta = unpackState(JSON.parse(state), {}) as any;
    const trainer = new Trainer(text, meta.config, new Vocab([...meta.vocab]));
    const weights: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(ckpt.tensors)) if (k.startsWith("model.")) weights[k.slice(6)] = v;
    trainer.model.loadStateDict(weights);
    trainer.optimizer.loadStateDict(unpackState(JSON.parse(optim), ckpt.tensors) as any);
    trainer.batchRng.setState(meta.batchRng);
    trainer.modelRng.setState(meta.modelRng);
    trainer.step = meta.step;
    trainer.schedule.loadStateDict(meta.schedule);
    trainer.history.push(...meta.history);
    trainer.valHistory.push(...meta.valHistory);
    return trainer;
  }
}
