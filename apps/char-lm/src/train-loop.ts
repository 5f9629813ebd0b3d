import { Generator, getBackend } from "@nablajs/tensor";
import { saveTrainer } from "./checkpoint.js";
import { modelText } from "./config.js";
import { type RunFiles, writeAtomic } from "./files.js";
import { DivergenceError } from "./health.js";
import { type CliIo, fmt, say } from "./io.js";
import { svgChart, textChart } from "./plot.js";
import { clock, Progress } from "./progress.js";
import { type EvalRecord, lossSeries, type MetricRecord, renderReport, type StepRecord } from "./report.js";
import { sample } from "./sample.js";
import type { Trainer } from "./trainer.js";

/** What the training loop works with. */
export interface TrainingRun {
  trainer: Trainer;
  files: RunFiles;
  io: CliIo;
  /** The run folder as the user names it. */
  out: string;
  /** Kept in the checkpoint beside the trainer: the corpus path and hash, the prompt. */
  run: Record<string, unknown>;
  /** metrics.jsonl so far (a resumed run's). */
  metrics: MetricRecord[];
  /** A prompt from the corpus for samples. */
  prompt: string;
}

/** Steps between evaluations use at most this many validation batches; the final one uses all. */
const QUICK_EVAL = 20;

/**
 * Trains until the budget is spent, writing metrics.jsonl every step and, every `evalEvery`
 * steps, a validation loss, a sample, the checkpoint and the charts. Ctrl-C finishes the step,
 * saves and returns 130; a diverging loss stops with a message and returns 1.
 */
export async function runTraining(r: TrainingRun): Promise<number> {
  const { trainer, files, io, out, metrics } = r;
  const c = trainer.config;
  const now = io.now ?? (() => performance.now() / 1000);
  const inv = io.invocation ?? "char-lm";
  const timed = c.minutes > 0;
  const progress = new Progress(timed ? c.minutes * 60 : c.steps, {
    sink: io.stdout,
    unit: "step",
    rate: false,
    now,
    startAt: timed ? trainer.elapsed : trainer.step,
    counts: timed ? (done, total) => `${clock(done)}/${clock(total)}` : undefined,
  });
  const signal = io.trapInterrupt?.();
  const backend = getBackend().name;
  const base = trainer.elapsed;
  const t0 = now();
  const tick = () => {
    trainer.elapsed = base + (now() - t0);
  };
  let saved = trainer.step;
  let speed = 0;
  const record = (m: MetricRecord) => {
    metrics.push(m);
    files.appendMetrics(m);
  };
  const save = async () => {
    tick();
    await files.saveCheckpoint(saveTrainer(trainer, r.run));
    saved = trainer.step;
    await writeCharts(r, backend);
  };
  const evaluate = async (maxBatches: number) => {
    const ev = trainer.evaluate(maxBatches);
    tick();
    record({ kind: "eval", step: trainer.step, valLoss: ev.loss, chars: ev.chars, elapsed: trainer.elapsed });
    const text = sample(trainer.model, trainer.vocab, {
      prompt: r.prompt,
      length: 200,
      generator: new Generator(trainer.step),
    });
    progress.log(`step ${trainer.step}: validation loss ${ev.loss.toFixed(3)} nats/char`);
    await save();
    files.appendSample(
      `--- step ${trainer.step}, validation loss ${ev.loss.toFixed(3)} ---\n${r.prompt}${text}\n`,
    );
    return ev;
  };
  try {
    for (tick(); !trainer.done(); tick()) {
      const s0 = now();
      const s = trainer.trainStep();
      const cps = (c.batchSize * c.seqLen) / Math.max(1e-9, now() - s0);
      speed = speed === 0 ? cps : 0.9 * speed + 0.1 * cps;
      tick();
      const { step, loss, lr, gradNorm, clipped, gradNorms } = s;
      record({
        kind: "train",
        step,
        loss,
        lr,
        gradNorm,
        clipped,
        gradNorms,
        charsPerSec: Math.round(cps),
        backend,
        elapsed: trainer.elapsed,
      });
      const status = `${timed ? `step ${step} ` : ""}loss ${loss.toFixed(3)} ${compact(speed)} char/s`;
      progress.update(timed ? Math.min(trainer.elapsed, c.minutes * 60) : step, status);
      if (step % c.evalEvery === 0 && !trainer.done()) await evaluate(QUICK_EVAL);
      await new Promise((ok) => setImmediate(ok)); // lets Ctrl-C through
      if (signal?.aborted) {
        progress.clear();
        await save();
        say(io, `char-lm: interrupted at step ${step}; the checkpoint is saved in ${out}.`);
        say(io, `Resume with: ${inv} train --out ${out} --resume`);
        return 130;
      }
    }
  } catch (e) {
    if (!(e instanceof DivergenceError)) throw e;
    progress.clear();
    await writeCharts(r, backend);
    const kept = files.hasCheckpoint()
      ? `the checkpoint in ${out} (step ${saved}) is intact`
      : "no checkpoint was saved";
    io.stderr.write(
      `char-lm: training diverged at step ${e.step} with learning rate ${fmt(e.lr)}: ${e.why}. Training stopped before that update; ${kept}. Try a smaller --lr (the default is 0.003) or a smaller --clip; ${out}/report.html shows the losses and gradient norms.\n`,
    );
    return 1;
  }
  const final = await evaluate(Number.POSITIVE_INFINITY);
  say(io, `\n${textChart(lossSeries(metrics))}\n`);
  const text = sample(trainer.model, trainer.vocab, {
    prompt: r.prompt,
    length: 300,
    generator: new Generator(0),
  });
  say(io, `sample at step ${trainer.step}:\n${r.prompt}${text}\n`);
  say(
    io,
    `char-lm: validation loss ${final.loss.toFixed(3)} nats/char (${(final.loss / Math.LN2).toFixed(3)} bits/char) over all ${final.chars.toLocaleString("en-US")} validation characters, after ${trainer.step.toLocaleString("en-US")} steps in ${clock(trainer.elapsed)}`,
  );
  say(
    io,
    `char-lm: ${out}/ holds checkpoint.safetensors, metrics.jsonl, samples.txt, loss.svg and report.html`,
  );
  say(io, `try: ${inv} sample --out ${out} --prompt ${JSON.stringify(r.prompt.split(" ")[0] || r.prompt)}`);
  return 0;
}

function compact(n: number): string {
  return n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : n.toFixed(0);
}

/** Writes loss.svg and report.html from the metrics. */
async function writeCharts(r: TrainingRun, backend: string): Promise<void> {
  const { trainer: t, metrics } = r;
  const c = t.config;
  const train = metrics.filter((m): m is StepRecord => m.kind === "train");
  const evals = metrics.filter((m): m is EvalRecord => m.kind === "eval");
  const clipped = train.filter((m) => m.clipped).length;
  const lastEval = evals.at(-1);
  await writeAtomic(
    r.files.lossSvg,
    svgChart(lossSeries(metrics), {
      title: "char-lm loss",
      xLabel: "step",
      yLabel: "cross-entropy (nats/char)",
    }),
  );
  const summary: [string, string][] = [
    ["run", r.out],
    ["corpus", `${String(r.run.corpus)} (vocabulary ${t.vocab.size})`],
    [
      "model",
      `${modelText(c)}${c.cell === "transformer" ? "" : `, embedding ${c.embedDim}`}, dropout ${c.dropout}, ${t.model.numParameters().toLocaleString("en-US")} parameters`,
    ],
    [
      "training",
      `batch ${c.batchSize} x ${c.seqLen} (${c.batching}), Adam lr ${fmt(c.lr)} cosine to ${fmt(c.lr * c.minLrRatio)}, clip ${c.clip}, seed ${c.seed}`,
    ],
    [
      "progress",
      `step ${t.step}, ${clock(t.elapsed)} of ${c.minutes > 0 ? `${fmt(c.minutes)} minutes` : `${c.steps} steps`}`,
    ],
    [
      "validation loss",
      lastEval ? `${lastEval.valLoss.toFixed(3)} nats/char at step ${lastEval.step}` : "not yet",
    ],
    [
      "steps clipped",
      train.length ? `${((100 * clipped) / train.length).toFixed(1)}% (${clipped} of ${train.length})` : "-",
    ],
    ["backend", backend],
  ];
  await writeAtomic(
    r.files.report,
    renderReport(metrics, { title: `char-lm report: ${r.out}`, clip: c.clip, summary }),
  );
}
