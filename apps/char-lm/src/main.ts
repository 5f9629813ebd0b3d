import { join } from "node:path";
import { parseArgs } from "node:util";
import { Generator, getBackend, jsBackend, setBackend } from "@nablajs/tensor";
import { defaultCorpus, loadCheckpoint, readCorpus, saveCheckpoint, writeAtomic } from "./files.js";
import { type Series, svgChart, textChart } from "./plot.js";
import { Progress, type Sink } from "./progress.js";
import { sample } from "./sample.js";
import { defaultTrainConfig, type TrainConfig, Trainer } from "./trainer.js";

const HELP = `char-lm: a character-level LSTM language model, trained with nabla

usage:
  char-lm train  [--steps 1500] [--batch 32] [--seq 64] [--hidden 256] [--embed 64] [--layers 1]
                 [--dropout 0] [--lr 0.003] [--clip 5] [--seed 1337] [--eval-every 250]
                 [--out runs/shakespeare] [--resume] [--data FILE] [--backend wasm|js]
  char-lm sample [--out runs/shakespeare] [--prompt "ROMEO:"] [--length 500] [--temperature 0.8]
                 [--top-k 0] [--seed 0]
  char-lm eval   [--out runs/shakespeare] [--batches 50]

train writes runs/<name>/checkpoint.safetensors (atomically, at every evaluation), loss.svg and
samples.txt; --resume continues a run exactly where its last checkpoint stopped.`;

const options = {
  steps: { type: "string" },
  batch: { type: "string" },
  seq: { type: "string" },
  hidden: { type: "string" },
  embed: { type: "string" },
  layers: { type: "string" },
  dropout: { type: "string" },
  lr: { type: "string" },
  clip: { type: "string" },
  seed: { type: "string" },
  "eval-every": { type: "string" },
  out: { type: "string", default: "runs/shakespeare" },
  resume: { type: "boolean", default: false },
  data: { type: "string" },
  backend: { type: "string" },
  prompt: { type: "string" },
  length: { type: "string" },
  temperature: { type: "string" },
  "top-k": { type: "string" },
  batches: { type: "string" },
  help: { type: "boolean", short: "h", default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>["values"];

function num(values: Values, key: keyof Values, fallback: number, integer = false): number {
  const raw = values[key];
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new Error(
      `char-lm: --${String(key)} must be ${integer ? "an integer" : "a number"}, got ${JSON.stringify(raw)}`,
    );
  }
  return v;
}

function trainConfig(values: Values): Partial<TrainConfig> {
  const d = defaultTrainConfig;
  return {
    steps: num(values, "steps", d.steps, true),
    batchSize: num(values, "batch", d.batchSize, true),
    seqLen: num(values, "seq", d.seqLen, true),
    hiddenSize: num(values, "hidden", d.hiddenSize, true),
    embedDim: num(values, "embed", d.embedDim, true),
    numLayers: num(values, "layers", d.numLayers, true),
    dropout: num(values, "dropout", d.dropout),
    lr: num(values, "lr", d.lr),
    clip: num(values, "clip", d.clip),
    seed: num(values, "seed", d.seed, true),
  };
}

function charts(trainer: Trainer): Series[] {
  // Smooth the per-step loss over 25 steps so the trend reads at a glance.
  const smooth: [number, number][] = [];
  let acc = 0;
  trainer.history.forEach(({ step, loss }, i) => {
    acc += loss;
    if (i >= 25) acc -= trainer.history[i - 25]!.loss;
    if (i % 5 === 4) smooth.push([step, acc / Math.min(i + 1, 25)]);
  });
  return [
    { name: "train (25-step mean)", points: smooth },
    { name: "validation", points: trainer.valHistory.map(({ step, loss }) => [step, loss]) },
  ];
}

async function train(values: Values, io: CliIo): Promise<void> {
  const log = (s: string) => io.stdout.write(`${s}\n`);
  const out = values.out!;
  const text = await readCorpus(values.data ?? defaultCorpus);
  const trainer = values.resume
    ? Trainer.fromCheckpoint(text, await loadCheckpoint(out))
    : new Trainer(text, trainConfig(values));
  if (values.resume && values.steps !== undefined) trainer.config.steps = num(values, "steps", 0, true);
  const { steps, batchSize, seqLen } = trainer.config;
  const evalEvery = num(values, "eval-every", 250, true);
  log(
    `char-lm: ${trainer.model.numParameters().toLocaleString("en-US")} parameters, vocabulary ${trainer.vocab.size}, backend ${getBackend().name}`,
  );
  log(
    `char-lm: ${steps} steps of ${batchSize} x ${seqLen} characters into ${out}${values.resume ? ` (resuming at step ${trainer.step})` : ""}`,
  );
  const progress = new Progress(steps, {
    sink: io.stdout,
    unit: "step",
    perUnit: [batchSize * seqLen, "char"],
    startAt: trainer.step,
  });
  const samples: string[] = [];
  const evaluate = async () => {
    const val = trainer.evaluate();
    const text = sample(trainer.model, trainer.vocab, {
      length: 200,
      generator: new Generator(trainer.step),
    });
    samples.push(`--- step ${trainer.step}, validation loss ${val.toFixed(3)} ---\n${text}\n`);
    progress.log(`step ${trainer.step}: validation loss ${val.toFixed(3)} nats/char`);
    await saveCheckpoint(out, trainer.checkpoint());
    await writeAtomic(
      join(out, "loss.svg"),
      svgChart(charts(trainer), {
        title: "char-lm loss",
        xLabel: "step",
        yLabel: "cross-entropy (nats/char)",
      }),
    );
    await writeAtomic(join(out, "samples.txt"), samples.join("\n"));
  };
  while (trainer.step < steps) {
    const r = trainer.trainStep();
    progress.update(r.step, `loss ${r.loss.toFixed(3)}`);
    if (r.step % evalEvery === 0 || r.step === steps) await evaluate();
  }
  log(`\n${textChart(charts(trainer))}\n`);
  log(
    `sample at step ${trainer.step}:\nROMEO:${sample(trainer.model, trainer.vocab, { prompt: "ROMEO:", length: 300, generator: new Generator(0) })}\n`,
  );
  log(
    `char-lm: checkpoint, loss.svg and samples.txt in ${out}; try: pnpm --filter @nablajs/char-lm sample --prompt "JULIET:"`,
  );
}

/** Where the command line reads and writes: the process's streams in the bin, buffers in tests. */
export interface CliIo {
  stdout: Sink;
  stderr: Sink;
}

async function main(argv: string[], io: CliIo): Promise<void> {
  const log = (s: string) => io.stdout.write(`${s}\n`);
  const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true });
  const command = positionals[0] ?? "train";
  if (values.help) {
    log(HELP);
    return;
  }
  if (values.backend === "js") setBackend(jsBackend);
  else if (values.backend !== undefined && values.backend !== "wasm")
    throw new Error(`char-lm: unknown --backend ${values.backend}`);
  if (command === "train") return train(values, io);
  if (command !== "sample" && command !== "eval")
    throw new Error(`char-lm: unknown command '${command}'\n\n${HELP}`);
  const text = await readCorpus(values.data ?? defaultCorpus);
  const trainer = Trainer.fromCheckpoint(text, await loadCheckpoint(values.out!));
  if (command === "sample") {
    const prompt = values.prompt ?? "\n";
    const text2 = sample(trainer.model, trainer.vocab, {
      prompt,
      length: num(values, "length", 500, true),
      temperature: num(values, "temperature", 0.8),
      topK: num(values, "top-k", 0, true),
      generator: new Generator(num(values, "seed", 0, true)),
    });
    log(prompt + text2);
  } else {
    const loss = trainer.evaluate(num(values, "batches", 50, true));
    log(
      `validation loss ${loss.toFixed(4)} nats/char (${(loss / Math.LN2).toFixed(3)} bits/char, perplexity ${Math.exp(loss).toFixed(2)}) at step ${trainer.step}`,
    );
  }
}

/** Runs one command line (`train`, `sample`, `eval`) and returns the process exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    await main(argv, io);
    return 0;
  } catch (e) {
    io.stderr.write(`${(e as Error).message}\n`);
    return 1;
  }
}
