import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { getBackend } from "@nablajs/tensor";
import { UsageError, type Value } from "./args.js";
import { loadTrainer, readCheckpoint } from "./checkpoint.js";
import { corpusTooSmall, modelText, type TrainConfig, withDefaults } from "./config.js";
import { corpusPrompt } from "./corpus.js";
import { defaultCorpus, RunFiles, readCorpus, textHash } from "./files.js";
import { type CliIo, defaultOut, fmt, say, shown } from "./io.js";
import { RUN_FLAGS } from "./options.js";
import type { MetricRecord } from "./report.js";
import { runTraining } from "./train-loop.js";
import { Trainer } from "./trainer.js";

const who = "char-lm train";

/** A budget as words: "1,500 steps" or "15 minutes". */
export function budgetText(c: Pick<TrainConfig, "steps" | "minutes">): string {
  if (c.minutes > 0) return `${fmt(c.minutes)} minute${c.minutes === 1 ? "" : "s"}`;
  return `${c.steps.toLocaleString("en-US")} step${c.steps === 1 ? "" : "s"}`;
}

/** `char-lm train`: checks the command line and the run folder, then trains (new or resumed). */
export async function trainCommand(values: Map<string, Value>, io: CliIo): Promise<number> {
  const has = (k: string) => values.has(k);
  if (has("resume") && has("force"))
    throw new UsageError(`${who}: --resume continues a run and --force replaces it; give one of them`);
  if (has("steps") && has("minutes")) throw new UsageError(`${who}: give --steps or --minutes, not both`);
  const dataArg = values.get("data") as string | undefined;
  const dataPath = dataArg === undefined ? undefined : resolve(io.cwd, dataArg);
  const files = new RunFiles(
    resolve(io.cwd, (values.get("out") as string) ?? defaultOut(dataPath ?? defaultCorpus)),
  );
  const out = shown(io, files.dir);
  if (files.isFile()) throw new UsageError(`${who}: --out ${out} is a file, not a folder`);
  const notes: string[] = [];
  let trainer: Trainer;
  let corpus: string;
  let text: string;
  let metrics: MetricRecord[] = [];
  if (has("resume")) {
    if (!files.hasCheckpoint())
      throw new UsageError(
        `${who}: there is no run to resume in ${out} (no checkpoint.safetensors); start one without --resume`,
      );
    const ckpt = await files.loadCheckpoint();
    const info = readCheckpoint(ckpt);
    const conflicts = Object.entries(RUN_FLAGS).filter(
      ([flag, field]) => has(flag) && values.get(flag) !== info.config[field],
    );
    if (conflicts.length > 0) {
      const given = conflicts.map(([flag]) => `--${flag} ${values.get(flag)}`).join(" and ");
      const theirs = conflicts.map(([flag, field]) => `${flag} ${info.config[field]}`).join(", ");
      throw new UsageError(
        `${who} --resume: ${given} ${conflicts.length > 1 ? "differ" : "differs"} from the run in ${out} (${theirs}); a resumed run keeps its settings. Drop ${conflicts.length > 1 ? "them" : "it"}, or start a new run with --force or another --out.`,
      );
    }
    corpus = dataPath ?? (info.run.corpus as string | undefined) ?? defaultCorpus;
    text = await readCorpus(corpus);
    if (info.run.corpusHash !== undefined && info.run.corpusHash !== textHash(text))
      throw new Error(
        `${who}: the corpus ${shown(io, corpus)} is not the text the run in ${out} trained on; pass the original with --data`,
      );
    trainer = loadTrainer(text, ckpt);
    metrics = files.readMetrics(trainer.step) as MetricRecord[];
    extendBudget(trainer, values, notes);
    const every = values.get("eval-every") as number | undefined;
    if (every !== undefined && every !== trainer.config.evalEvery) {
      notes.push(`evaluating every ${every} steps (the run used ${trainer.config.evalEvery})`);
      trainer.config.evalEvery = every;
    }
  } else {
    if (files.hasCheckpoint() && !has("force")) {
      const info = readCheckpoint(await files.loadCheckpoint());
      throw new UsageError(
        `${who}: ${out} already holds a run (step ${info.step} of ${budgetText(info.config)}). Continue it with --resume (--steps or --minutes extend it), replace it with --force, or choose another --out.`,
      );
    }
    const config = newConfig(values);
    checkModelFlags(config, values);
    corpus = dataPath ?? defaultCorpus;
    text = await readCorpus(corpus);
    const small = corpusTooSmall([...text].length, withDefaults(config), { batch: "--batch", seq: "--seq" });
    if (small !== null) throw new Error(`${who}: ${small}`);
    trainer = new Trainer(text, config);
    if (trainer.config.lr > 0.1)
      io.stderr.write(
        `${who}: warning: --lr ${trainer.config.lr} is large for Adam (typical: 1e-4 to 1e-2); training may diverge\n`,
      );
    files.clear();
  }
  try {
    mkdirSync(files.dir, { recursive: true });
  } catch (e) {
    throw new Error(`${who}: cannot create the run folder ${out}: ${(e as Error).message}`);
  }
  const c = trainer.config;
  say(
    io,
    `char-lm: ${modelText(c)}, ${trainer.model.numParameters().toLocaleString("en-US")} parameters, vocabulary ${trainer.vocab.size}, backend ${getBackend().name}`,
  );
  say(
    io,
    `char-lm: ${budgetText(c)} of ${c.batchSize} x ${c.seqLen} characters (${c.batching === "stream" ? "contiguous streams, truncated BPTT" : "random windows"}) into ${out}${has("resume") ? ` (resuming at step ${trainer.step})` : ""}`,
  );
  for (const n of notes) say(io, `char-lm: ${n}`);
  const prompt = corpusPrompt(text, c.valFraction);
  const run = { corpus, corpusHash: textHash(text), prompt };
  return runTraining({ trainer, files, io, out, run, metrics, prompt });
}

function newConfig(values: Map<string, Value>): Partial<TrainConfig> {
  const config: Record<string, unknown> = {};
  for (const [flag, field] of Object.entries(RUN_FLAGS))
    if (values.has(flag)) config[field] = values.get(flag);
  if (values.has("steps")) config.steps = values.get("steps");
  if (values.has("minutes")) config.minutes = values.get("minutes");
  if (values.has("eval-every")) config.evalEvery = values.get("eval-every");
  return config as Partial<TrainConfig>;
}

/** Flags that belong to one kind of model, checked against --model. */
function checkModelFlags(config: Partial<TrainConfig>, values: Map<string, Value>): void {
  const gpt = config.cell === "transformer";
  if (gpt && values.has("embed"))
    throw new UsageError(
      `${who}: --embed sets a recurrent model's embedding; a Transformer's width is --hidden`,
    );
  if (gpt && config.batching === "stream")
    throw new UsageError(
      `${who}: a Transformer carries no state between windows; use --batching random (its default)`,
    );
  for (const flag of ["heads", "tie"])
    if (!gpt && values.has(flag))
      throw new UsageError(`${who}: --${flag} applies to --model transformer only`);
  const c = withDefaults(config);
  if (gpt && c.hiddenSize % c.heads !== 0)
    throw new UsageError(`${who}: --hidden ${c.hiddenSize} must be divisible by --heads ${c.heads}`);
}

/** Applies --steps / --minutes to a resumed run, saying how the schedule changes; refuses a finished run without them. */
function extendBudget(trainer: Trainer, values: Map<string, Value>, notes: string[]): void {
  const steps = values.get("steps") as number | undefined;
  const minutes = values.get("minutes") as number | undefined;
  const old = { steps: trainer.config.steps, minutes: trainer.config.minutes };
  const next =
    steps !== undefined ? { steps, minutes: 0 } : minutes !== undefined ? { steps: old.steps, minutes } : old;
  if (next.steps === old.steps && next.minutes === old.minutes) {
    if (trainer.done())
      throw new UsageError(
        `${who}: the run is complete (${budgetText(old)}, at step ${trainer.step}); give --steps N (more than ${trainer.step}) or --minutes M to train it further`,
      );
    return;
  }
  if (next.minutes === 0 && next.steps <= trainer.step)
    throw new UsageError(
      `${who}: --steps ${next.steps} is not more than the ${trainer.step} steps the run has done`,
    );
  if (next.minutes > 0 && next.minutes * 60 <= trainer.elapsed)
    throw new UsageError(
      `${who}: --minutes ${next.minutes} is not more than the ${fmt(trainer.elapsed / 60)} minutes the run has taken`,
    );
  const before = trainer.currentLr();
  trainer.setBudget(next);
  const after = trainer.currentLr();
  const span =
    old.minutes === 0 && next.minutes === 0
      ? `from ${old.steps} to ${next.steps} steps`
      : `from ${budgetText(old)} to ${budgetText(next)}`;
  const floor = trainer.config.lr * trainer.config.minLrRatio;
  notes.push(
    `extending the run ${span}: the learning rate's cosine schedule now spans ${budgetText(next)}, so at step ${trainer.step} the learning rate moves from ${fmt(before)} to ${fmt(after)}, then decays to ${fmt(floor)} by the end`,
  );
}
