import { div, type Generator, multinomial, noGrad, reshape, softmax, Tensor, topk } from "@nablajs/tensor";
import type { Vocab } from "./corpus.js";
import type { LanguageModel, LmState } from "./model.js";

export interface SampleOptions {
  /** Text to condition on (default: a newline). */
  prompt?: string;
  length?: number;
  /** Below 1 sharper, above 1 more surprising (default 0.8). */
  temperature?: number;
  /** Sample only among the k most likely characters (0: all). */
  topK?: number;
  generator?: Generator;
}

/** Generates text one character at a time, feeding each sample back with the carried state. */
export function sample(model: LanguageModel, vocab: Vocab, opts: SampleOptions = {}): string {
  const { prompt = "\n", length = 400, temperature = 0.8, topK = 0, generator } = opts;
  if (!(temperature > 0)) throw new Error(`sample: temperature must be > 0, got ${temperature}`);
  if (prompt.length === 0) throw new Error("sample: the prompt must not be empty");
  model.eval();
  return noGrad(() => {
    let state: LmState | undefined;
    const ids = vocab.encode(prompt);
    let logits!: Tensor;
    for (const id of ids) ({ logits, state } = model.forward(new Tensor(Int32Array.of(id), [1, 1]), state));
    const out: number[] = [];
    for (let i = 0; i < length; i++) {
      let scores = reshape(div(logits, temperature), [-1]);
      let pick: (k: number) => number = (k) => k;
      if (topK > 0 && topK < scores.size) {
        const [values, indices] = topk(scores, topK);
        const idx = indices.toTypedArray();
        scores = values;
        pick = (k) => idx[k]!;
      }
      const next = pick(multinomial(softmax(scores), 1, { generator }).item());
      out.push(next);
      ({ logits, state } = model.forward(new Tensor(Int32Array.of(next), [1, 1]), state));
    }
    return vocab.decode(out);
  });
}
