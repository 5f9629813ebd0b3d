import { resolve } from "node:path";
import type { Value } from "./args.js";
import { loadTrainer, readCheckpoint } from "./checkpoint.js";
import { defaultCorpus, readCorpus, textHash } from "./files.js";
import { type CliIo, say, shown } from "./io.js";
import { runFolder } from "./sample-command.js";

const who = "char-lm eval";

/**
 * `char-lm eval`: the validation loss of a checkpoint on the validation tail of the corpus it
 * trained on (found from the checkpoint; --data for another copy or another text). With --json,
 * stdout is exactly one JSON object { valLoss, bitsPerChar, perplexity, chars }.
 */
export async function evalCommand(values: Map<string, Value>, io: CliIo): Promise<number> {
  const files = runFolder(values, io, who);
  const ckpt = await files.loadCheckpoint();
  const info = readCheckpoint(ckpt);
  const dataArg = values.get("data") as string | undefined;
  const corpus =
    dataArg !== undefined ? resolve(io.cwd, dataArg) : ((info.run.corpus as string) ?? defaultCorpus);
  const text = await readCorpus(corpus).catch((e: Error) => {
    throw new Error(
      `${e.message}\n${who}: the run trained on ${shown(io, corpus)}; pass the text with --data FILE`,
    );
  });
  if (dataArg === undefined && info.run.corpusHash !== undefined && info.run.corpusHash !== textHash(text))
    throw new Error(
      `${who}: ${shown(io, corpus)} changed since the run trained on it; pass the original with --data`,
    );
  const unknown = info.vocab.missing(text);
  if (unknown.length > 0)
    throw new Error(
      `${who}: ${shown(io, corpus)} has characters the model does not know: ${unknown
        .slice(0, 10)
        .map((c) => JSON.stringify(c))
        .join(", ")}`,
    );
  const trainer = loadTrainer(text, ckpt);
  const { loss, chars } = trainer.evaluate((values.get("batches") as number) ?? Number.POSITIVE_INFINITY);
  const result = { valLoss: loss, bitsPerChar: loss / Math.LN2, perplexity: Math.exp(loss), chars };
  if (values.has("json")) {
    say(io, JSON.stringify(result));
    return 0;
  }
  say(
    io,
    `validation loss ${loss.toFixed(4)} nats/char (${result.bitsPerChar.toFixed(3)} bits/char, perplexity ${result.perplexity.toFixed(2)}) over ${chars.toLocaleString("en-US")} characters of ${shown(io, corpus)}, at step ${trainer.step}`,
  );
  return 0;
}
