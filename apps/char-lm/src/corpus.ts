/** The characters of a corpus as token ids: the sorted set of distinct characters is the vocabulary. */
export class Vocab {
  readonly chars: string[];
  private readonly ids: Map<string, number>;

  constructor(chars: Iterable<string>) {
    this.chars = [...new Set(chars)].sort();
    if (this.chars.length === 0) throw new Error("Vocab: the corpus is empty");
    this.ids = new Map(this.chars.map((c, i) => [c, i]));
  }

  /** The vocabulary of every character in `text`. */
  static fromText(text: string): Vocab {
    return new Vocab(text);
  }

  get size(): number {
    return this.chars.length;
  }

  /** Token ids of `text`; a character outside the vocabulary is an error naming it. */
  encode(text: string): Int32Array {
    const out = new Int32Array(text.length);
    for (let i = 0; i < text.length; i++) {
      const id = this.ids.get(text[i]!);
      if (id === undefined)
        throw new Error(
          `Vocab.encode: character ${JSON.stringify(text[i])} at ${i} is not in the vocabulary`,
        );
      out[i] = id;
    }
    return out;
  }

  decode(ids: ArrayLike<number>): string {
    let s = "";
    for (let i = 0; i < ids.length; i++) s += this.chars[ids[i]!] ?? "?";
    return s;
  }
}

/** Splits token ids into a training part and a validation tail (`valFraction` of the corpus). */
export function splitCorpus(ids: Int32Array, valFraction = 0.1): { train: Int32Array; val: Int32Array } {
  if (!(valFraction >= 0 && valFraction < 1))
    throw new Error(`splitCorpus: valFraction must be in [0, 1), got ${valFraction}`);
  const cut = Math.floor(ids.length * (1 - valFraction));
  return { train: ids.subarray(0, cut), val: ids.subarray(cut) };
}
