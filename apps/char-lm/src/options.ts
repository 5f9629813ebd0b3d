import type { OptionSpec } from "./args.js";
import { defaultTrainConfig as D } from "./config.js";
import { CELLS } from "./model.js";

/** Options every command takes. */
const common: Record<string, OptionSpec> = {
  help: { kind: "flag" },
  version: { kind: "flag" },
  out: { kind: "string" },
  backend: { kind: "choice", choices: ["native", "wasm", "js"] },
};

/** The options of each command, with their ranges. */
export const COMMANDS: Record<"train" | "sample" | "eval", Record<string, OptionSpec>> = {
  train: {
    ...common,
    data: { kind: "string" },
    steps: { kind: "int", min: 1, max: 1e9 },
    minutes: { kind: "number", above: 0, max: 7 * 24 * 60 },
    model: { kind: "choice", choices: CELLS },
    layers: { kind: "int", min: 1, max: 16 },
    heads: { kind: "int", min: 1, max: 64 },
    tie: { kind: "flag" },
    hidden: { kind: "int", min: 1, max: 8192 },
    embed: { kind: "int", min: 1, max: 8192 },
    dropout: { kind: "number", min: 0, below: 1 },
    batch: { kind: "int", min: 1, max: 4096 },
    seq: { kind: "int", min: 1, max: 4096 },
    batching: { kind: "choice", choices: ["stream", "random"] },
    lr: { kind: "number", above: 0, max: 100 },
    clip: { kind: "number", above: 0 },
    seed: { kind: "int", min: 0, max: 2 ** 32 - 1 },
    "eval-every": { kind: "int", min: 1 },
    resume: { kind: "flag" },
    force: { kind: "flag" },
  },
  sample: {
    ...common,
    prompt: { kind: "string" },
    length: { kind: "int", min: 1, max: 1e6 },
    temperature: { kind: "number", above: 0, max: 100 },
    "top-k": { kind: "int", min: 0 },
    seed: { kind: "int", min: 0, max: 2 ** 32 - 1 },
  },
  eval: {
    ...common,
    data: { kind: "string" },
    batches: { kind: "int", min: 1 },
    json: { kind: "flag" },
  },
};

/** Every option of every command (to split a command line before the command is known). */
export const ALL_OPTIONS: Record<string, OptionSpec> = Object.assign({}, ...Object.values(COMMANDS));

/** Train flags that define a run, with the config field each sets (a resume must not change them). */
export const RUN_FLAGS = {
  model: "cell",
  embed: "embedDim",
  hidden: "hiddenSize",
  layers: "numLayers",
  dropout: "dropout",
  heads: "heads",
  tie: "tieWeights",
  batch: "batchSize",
  seq: "seqLen",
  batching: "batching",
  lr: "lr",
  clip: "clip",
  seed: "seed",
} as const;

export const HELP = `char-lm: a character-level language model (LSTM, GRU, RNN or Transformer), trained with nabla

usage:
  char-lm train  [--data FILE] [--out DIR] [--steps ${D.steps} | --minutes M] [--resume | --force]
                 [--model lstm|gru|rnn|transformer] [--layers ${D.numLayers}] [--hidden ${D.hiddenSize}] [--embed ${D.embedDim}]
                 [--dropout ${D.dropout}] [--heads ${D.heads}] [--tie]
                 [--batch ${D.batchSize}] [--seq ${D.seqLen}] [--batching stream|random] [--lr ${D.lr}] [--clip ${D.clip}]
                 [--seed ${D.seed}] [--eval-every ${D.evalEvery}] [--backend native|wasm|js]
  char-lm sample [--out DIR] [--prompt TEXT] [--length 500] [--temperature 0.8] [--top-k 0]
                 [--seed 0]
  char-lm eval   [--out DIR] [--batches N] [--data FILE] [--json]
  char-lm --version | --help

Paths are relative to the directory you run from. --data defaults to the shipped Shakespeare
and --out to runs/<name of the data file>. train writes into --out: checkpoint.safetensors (at
every evaluation and on Ctrl-C), metrics.jsonl (every step), samples.txt, loss.svg and
report.html (losses and gradient health). It refuses to replace a run: continue one with
--resume (--steps or --minutes extend it), or replace it with --force. With --minutes the run
stops after M minutes and the learning rate's cosine spans them.

--model transformer trains a small GPT: token and position embeddings, --layers pre-norm blocks
of causal self-attention (--heads heads) and a GELU feed-forward, width --hidden, context --seq;
--tie shares the output layer's weight with the token embedding. Its defaults differ: --hidden 128,
--dropout 0; it trains on random windows only.`;
