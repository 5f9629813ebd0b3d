import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { Generator } from "@nablajs/tensor";
import type { Value } from "./args.js";
import { loadModel } from "./checkpoint.js";
import { defaultCorpus, RunFiles } from "./files.js";
import { type CliIo, defaultOut, say, shown } from "./io.js";
import { sample } from "./sample.js";

/** The run folder of `sample` and `eval`: --out, or the shipped corpus's default; an error lists the runs there are. */
export function runFolder(values: Map<string, Value>, io: CliIo, who: string): RunFiles {
  const files = new RunFiles(resolve(io.cwd, (values.get("out") as string) ?? defaultOut(defaultCorpus)));
  if (files.hasCheckpoint()) return files;
  const runs = join(io.cwd, "runs");
  const found = existsSync(runs)
    ? readdirSync(runs)
        .filter((d) => new RunFiles(join(runs, d)).hasCheckpoint())
        .map((d) => `runs/${d}`)
    : [];
  const hint =
    found.length > 0
      ? `; runs here: ${found.join(", ")} (pass one with --out)`
      : "; train one first (char-lm train)";
  throw new Error(`${who}: no checkpoint in ${shown(io, files.dir)}${hint}`);
}

/** `char-lm sample`: text from a checkpoint (its vocabulary is inside, no corpus needed). */
export async function sampleCommand(values: Map<string, Value>, io: CliIo): Promise<number> {
  const files = runFolder(values, io, "char-lm sample");
  const { model, info } = loadModel(await files.loadCheckpoint());
  const prompt =
    (values.get("prompt") as string | undefined) ??
    (info.vocab.has("\n") ? "\n" : String(info.run.prompt ?? info.vocab.chars[0]));
  if (prompt === "") throw new Error("char-lm sample: --prompt must not be empty");
  const missing = info.vocab.missing(prompt);
  if (missing.length > 0) {
    const list = missing.map((ch) => JSON.stringify(ch)).join(", ");
    const known = info.vocab.chars.join("").replace(/\n/g, "\\n");
    throw new Error(
      `char-lm sample: the prompt has ${list}, which the model's vocabulary lacks; it knows ${info.vocab.size} characters: ${known.length > 120 ? `${known.slice(0, 120)}...` : known}`,
    );
  }
  const text = sample(model, info.vocab, {
    prompt,
    length: (values.get("length") as number) ?? 500,
    temperature: (values.get("temperature") as number) ?? 0.8,
    topK: (values.get("top-k") as number) ?? 0,
    generator: new Generator((values.get("seed") as number) ?? 0),
  });
  say(io, prompt + text);
  return 0;
}
